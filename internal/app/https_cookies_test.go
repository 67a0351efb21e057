package app_test

// Behind the production TLS proxy the app itself only sees plain HTTP, so
// Secure cookies and HSTS follow the public base URL (issue 2 item 8b).

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
)

// rawBrowser keeps cookies by hand: a cookie jar would refuse to send a
// Secure cookie back over the test's plain HTTP.
type rawBrowser struct {
	t       *testing.T
	a       *apptest.Site
	cookies map[string]string
	set     []*http.Cookie // every Set-Cookie seen
	hsts    []string       // Strict-Transport-Security of every answer
}

func (b *rawBrowser) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.a.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	c := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	text, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		b.set = append(b.set, ck)
		if ck.MaxAge < 0 {
			delete(b.cookies, ck.Name)
		} else {
			b.cookies[ck.Name] = ck.Value
		}
	}
	b.hsts = append(b.hsts, res.Header.Get("Strict-Transport-Security"))
	return res, string(text)
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func TestCookiesSecureBehindHTTPSProxy(t *testing.T) {
	for _, tc := range []struct {
		name, base string
		secure     bool
	}{
		{"https base URL", "https://hailong.example.vn", true},
		{"http base URL", "http://hailong.example.vn", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := apptest.Start(t, apptest.Options{Config: func(c *app.Config) { c.BaseURL = tc.base }})
			b := &rawBrowser{t: t, a: a, cookies: map[string]string{}}
			_, page := b.do("GET", "/login?lang=vi", nil)
			m := csrfInput.FindStringSubmatch(page)
			if m == nil {
				t.Fatal("no CSRF token on /login")
			}
			csrf := m[1]
			if res, _ := b.do("POST", "/login", url.Values{"_csrf": {csrf}, "username": {"admin"}, "password": {apptest.AdminPassword}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("login: %d", res.StatusCode)
			}
			_, list := b.do("GET", "/api/v1/desks", nil)
			var desks []apptest.Desk
			if err := json.Unmarshal([]byte(list), &desks); err != nil || len(desks) == 0 {
				t.Fatalf("desks: %v %s", err, list)
			}
			su, _ := url.Parse(desks[0].SurveyURL)
			if res, _ := b.do("GET", su.Path, nil); res.StatusCode != http.StatusOK {
				t.Fatalf("survey form: %d", res.StatusCode)
			}
			if res, _ := b.do("POST", "/desks/"+desks[0].ID+"/device", url.Values{"_csrf": {csrf}, "kind": {"kiosk"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("register device: %d", res.StatusCode)
			}
			if res, _ := b.do("POST", "/logout", url.Values{"_csrf": {csrf}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: %d", res.StatusCode)
			}

			seen := map[string]bool{}
			for _, ck := range b.set {
				seen[ck.Name] = true
				if ck.Secure != tc.secure {
					t.Errorf("cookie %s: Secure = %v, want %v", ck.Name, ck.Secure, tc.secure)
				}
			}
			for _, name := range []string{"_csrf", "lang", "hl_session", "hl_cid", "hl_device"} {
				if !seen[name] {
					t.Errorf("no %s cookie was set; the test missed a path", name)
				}
			}
			for i, h := range b.hsts {
				if tc.secure && !strings.HasPrefix(h, "max-age=") || !tc.secure && h != "" {
					t.Errorf("answer %d: Strict-Transport-Security %q (secure %v)", i, h, tc.secure)
				}
			}
		})
	}
}
