package desks_test

// API tokens for dossier systems (issue 4, receipt links: "API token or
// official's session"): scoped to a unit subtree, valid on
// POST /api/v1/receipt-links only, revocable, audited, stored hashed.
// "hailong token add|list|revoke" is TestTokenCommand in cmd/hailong.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
)

func TestAPITokenReceiptLinks(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	a.AddUser(t, "p1", "unit_manager", "vt-p1", "matkhau-p1")
	// Issued the way "hailong token add mot-cua-p1 -unit vt-p1" issues
	// it: through the accounts service, as the command line.
	tok, _, err := a.App.Accounts.CreateToken(t.Context(), "cli", "mot-cua-p1", "vt-p1", time.Now())
	if err != nil || !strings.HasPrefix(tok, "hlt_") {
		t.Fatalf("token add: %v %q", err, tok)
	}
	anon := apptest.Client(t)
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	link := func(tok, desk string) int {
		var out struct{ URL string }
		code := apptest.JSONCall(t, anon, http.MethodPost, a.URL+"/api/v1/receipt-links",
			map[string]string{"desk": desk, "dossier_code": "H01-" + desk}, &out, bearer(tok)...)
		if code == http.StatusCreated && !strings.Contains(out.URL, "/r/") {
			t.Errorf("receipt link for %s: no URL in %+v", desk, out)
		}
		return code
	}
	for _, tc := range []struct {
		name string
		got  int
		want int
	}{
		{"own desk", link(tok, "p1-q1"), http.StatusCreated},
		{"desk of another ward", link(tok, "p7-q1"), http.StatusNotFound},
		{"desk of the city", link(tok, "vt-q1"), http.StatusNotFound},
		{"forged token", link(tok[:len(tok)-2]+"AA", "p1-q1"), http.StatusUnauthorized},
		{"not a token", link("matkhau", "p1-q1"), http.StatusUnauthorized},
		{"other API: desks", apptest.JSONCall(t, anon, http.MethodGet, a.URL+"/api/v1/desks", nil, nil, bearer(tok)...), http.StatusForbidden},
		{"other API: indicators", apptest.JSONCall(t, anon, http.MethodGet, a.URL+"/api/v1/indicators", nil, nil, bearer(tok)...), http.StatusForbidden},
		{"other API: rotate", apptest.JSONCall(t, anon, http.MethodPost, a.URL+"/api/v1/desks/p1-q1/rotate", nil, nil, bearer(tok)...), http.StatusForbidden},
		{"other API: new token", apptest.JSONCall(t, anon, http.MethodPost, a.URL+"/api/v1/api-tokens", map[string]string{"name": "x"}, nil, bearer(tok)...), http.StatusForbidden},
		{"exports", apptest.JSONCall(t, anon, http.MethodGet, a.URL+"/exports/2026-01.csv", nil, nil, bearer(tok)...), http.StatusForbidden},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, tc.got, tc.want)
		}
	}

	// A unit manager makes tokens for their own subtree only, and sees
	// only those.
	p1, p1csrf := apptest.LoginAs(t, a.URL, "p1", "matkhau-p1")
	csrf := []string{"X-CSRF-Token", p1csrf}
	var made struct {
		Name, Unit, Token string
	}
	if code := apptest.JSONCall(t, p1, http.MethodPost, a.URL+"/api/v1/api-tokens", map[string]string{"name": "p1-quay"}, &made, csrf...); code != http.StatusCreated || made.Unit != "vt-p1" || !strings.HasPrefix(made.Token, "hlt_") {
		t.Fatalf("unit manager's token: %d %+v", code, made)
	}
	if code := link(made.Token, "p1-q2"); code != http.StatusCreated {
		t.Errorf("the unit manager's token: %d, want 201", code)
	}
	for _, body := range []map[string]string{{"name": "p1-ca-thanh-pho", "unit": "vt"}, {"name": "p1-p7", "unit": "vt-p7"}} {
		if code := apptest.JSONCall(t, p1, http.MethodPost, a.URL+"/api/v1/api-tokens", body, nil, csrf...); code != http.StatusNotFound {
			t.Errorf("unit manager's token for %s: %d, want 404 (out of scope reads as unknown)", body["unit"], code)
		}
	}
	var e struct{ Error string }
	if code := apptest.JSONCall(t, p1, http.MethodPost, a.URL+"/api/v1/api-tokens", map[string]string{"name": "Tên sai"}, &e, csrf...); code != http.StatusBadRequest || !strings.Contains(e.Error, "name") {
		t.Errorf("bad token name: %d %q", code, e.Error)
	}
	made.Unit = ""
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/api-tokens", map[string]string{"name": "ca-thanh-pho"}, &made); code != http.StatusCreated || made.Unit != "" {
		t.Fatalf("admin's city token: %d %+v", code, made)
	}
	if code := link(made.Token, "p7-q1"); code != http.StatusCreated {
		t.Errorf("the city token on another ward: %d, want 201", code)
	}
	var listed []struct{ Name, Token string }
	apptest.JSONCall(t, p1, http.MethodGet, a.URL+"/api/v1/api-tokens", nil, &listed)
	if len(listed) != 2 || listed[0].Name != "mot-cua-p1" || listed[1].Name != "p1-quay" || listed[0].Token != "" {
		t.Errorf("the unit manager's token list: %+v, want mot-cua-p1 and p1-quay without secrets", listed)
	}
	if code := apptest.JSONCall(t, p1, http.MethodPost, a.URL+"/api/v1/api-tokens/ca-thanh-pho/revoke", nil, nil, csrf...); code != http.StatusNotFound {
		t.Errorf("unit manager revoking the city token: %d, want 404", code)
	}

	// Revoked: refused at once.
	if code := apptest.JSONCall(t, p1, http.MethodPost, a.URL+"/api/v1/api-tokens/mot-cua-p1/revoke", nil, nil, csrf...); code != http.StatusNoContent {
		t.Fatalf("revoke: %d", code)
	}
	if code := link(tok, "p1-q1"); code != http.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", code)
	}
	var audit []struct{ User, Action, Target string }
	apptest.AdminCall(t, http.MethodGet, a.URL+"/api/v1/audit", nil, &audit)
	// The command line's own entry is TestTokenCommand's.
	want := map[string]string{"token.create token:p1-quay": "p1", "token.revoke token:mot-cua-p1": "p1"}
	for _, e := range audit {
		if who, ok := want[e.Action+" "+e.Target]; ok && strings.HasPrefix(e.User, strings.TrimSuffix(who, ":")) {
			delete(want, e.Action+" "+e.Target)
		}
	}
	if len(want) > 0 {
		t.Errorf("audit log lacks %v", want)
	}

	// Only the hash is stored.
	raw, err := a.DB.Collection("api_tokens").Find(t.Context(), map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := raw.All(t.Context(), &docs); err != nil || len(docs) != 3 {
		t.Fatalf("api_tokens holds %d documents (%v), want 3", len(docs), err)
	}
	for _, d := range docs {
		s, _ := json.Marshal(d)
		if strings.Contains(string(s), strings.TrimPrefix(tok, "hlt_")) || strings.Contains(string(s), strings.TrimPrefix(made.Token, "hlt_")) {
			t.Errorf("a token's secret is stored: %s", s)
		}
	}
}

// The desks page's token section: the secret is shown once, the token
// works, and its revoke button ends it.
func TestAPITokenPage(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	c, csrf := apptest.Admin(t, a.URL)
	res, err := c.PostForm(a.URL+"/api-tokens", url.Values{"_csrf": {csrf}, "name": {"mot-cua-vt"}, "unit": {"vt-p1"}})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	secret := strings.TrimSpace(doc.Find("#new-token").Text())
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(secret, "hlt_") {
		t.Fatalf("create a token on the page: %d, secret %q", res.StatusCode, secret)
	}
	link := func() int {
		return apptest.JSONCall(t, apptest.Client(t), http.MethodPost, a.URL+"/api/v1/receipt-links",
			map[string]string{"desk": "p1-q1", "dossier_code": "H01-1"}, nil, "Authorization", "Bearer "+secret)
	}
	if code := link(); code != http.StatusCreated {
		t.Errorf("the page's token: %d, want 201", code)
	}
	doc = apptest.HTMLPage(t, c, a.URL+"/desks")
	if doc.Find("#new-token").Length() != 0 || strings.Contains(doc.Text(), secret) {
		t.Error("the secret is shown again")
	}
	if n := doc.Find(`form[action="/api-tokens/mot-cua-vt/revoke"][data-confirm]`).Length(); n != 1 {
		t.Fatalf("no revoke button for the token (%d)", n)
	}
	res, err = c.PostForm(a.URL+"/api-tokens", url.Values{"_csrf": {csrf}, "name": {"Sai tên"}})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ = goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(doc.Find(".alert").Text(), "name") {
		t.Errorf("a bad token name on the page: %d %q", res.StatusCode, doc.Find(".alert").Text())
	}
	res, err = c.PostForm(a.URL+"/api-tokens/mot-cua-vt/revoke", url.Values{"_csrf": {csrf}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke on the page: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	if code := link(); code != http.StatusUnauthorized {
		t.Errorf("the revoked token: %d, want 401", code)
	}
}
