package main

// "hailong token add|list|revoke": the command-line side of the API tokens
// for dossier systems. What a token may do over HTTP is
// TestAPITokenReceiptLinks in dashboard/desks.

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"hailong/internal/app/apptest"
)

// TestTokenCommand: "token add" prints the secret once, refuses a taken or
// malformed name, and is audited as the command line; "token revoke" and
// "token list" say what they did; only the tokens' hashes are stored.
func TestTokenCommand(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	a.Stop(t)
	shownOnce := regexp.MustCompile(`token \(shown once\): (hlt_\S+)`)
	out, err := runCmd(t, dir, "token", "add", "mot-cua-p1", "-unit", "vt-p1")
	secret := shownOnce.FindStringSubmatch(out)
	if err != nil || secret == nil {
		t.Fatalf("token add: %v %s", err, out)
	}
	if _, err := runCmd(t, dir, "token", "add", "mot-cua-p1"); err == nil {
		t.Error("a second active token of the same name was accepted")
	}
	if _, err := runCmd(t, dir, "token", "add", "Sai Tên"); err == nil {
		t.Error("a token name with spaces was accepted")
	}
	// Two more, as TestAPITokenReceiptLinks makes them over HTTP: one of
	// the unit and one of the whole city.
	if out, err := runCmd(t, dir, "token", "add", "p1-quay", "-unit", "vt-p1"); err != nil || shownOnce.FindStringSubmatch(out) == nil {
		t.Fatalf("token add p1-quay: %v %s", err, out)
	}
	out, err = runCmd(t, dir, "token", "add", "ca-thanh-pho")
	city := shownOnce.FindStringSubmatch(out)
	if err != nil || city == nil {
		t.Fatalf("token add ca-thanh-pho: %v %s", err, out)
	}

	// The printed secret works, and the audit log names the command line.
	a = startApp(t, dir, nil)
	tok := secret[1]
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/api/v1/receipt-links", strings.NewReader(`{"desk":"p1-q1","dossier_code":"H01-p1-q1"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Errorf("the printed token on its own desk: %d, want 201", res.StatusCode)
	}
	var audit []struct{ User, Action, Target string }
	apptest.AdminCall(t, http.MethodGet, a.URL+"/api/v1/audit", nil, &audit)
	want := map[string]string{"token.create token:mot-cua-p1": "cli:"}
	for _, e := range audit {
		if who, ok := want[e.Action+" "+e.Target]; ok && strings.HasPrefix(e.User, strings.TrimSuffix(who, ":")) {
			delete(want, e.Action+" "+e.Target)
		}
	}
	if len(want) > 0 {
		t.Errorf("audit log lacks %v", want)
	}
	a.Stop(t)

	// The CLI lists and revokes.
	if out, err := runCmd(t, dir, "token", "revoke", "mot-cua-p1"); err != nil || !strings.Contains(out, "revoked") {
		t.Errorf("token revoke: %v %s", err, out)
	}
	if out, err := runCmd(t, dir, "token", "revoke", "p1-quay"); err != nil || !strings.Contains(out, "revoked") {
		t.Errorf("token revoke: %v %s", err, out)
	}
	if out, err := runCmd(t, dir, "token", "list"); err != nil || strings.Count(out, "(revoked") != 2 || !strings.Contains(out, "ca-thanh-pho") {
		t.Errorf("token list: %v\n%s", err, out)
	}
	// Only the hash is stored.
	db := openDataDir(t, dir)
	raw, err := db.Collection("api_tokens").Find(t.Context(), map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := raw.All(t.Context(), &docs); err != nil || len(docs) != 3 {
		t.Fatalf("api_tokens holds %d documents (%v), want 3", len(docs), err)
	}
	for _, d := range docs {
		s, _ := json.Marshal(d)
		if strings.Contains(string(s), strings.TrimPrefix(tok, "hlt_")) || strings.Contains(string(s), strings.TrimPrefix(city[1], "hlt_")) {
			t.Errorf("a token's secret is stored: %s", s)
		}
	}
}
