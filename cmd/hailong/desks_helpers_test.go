package main

// Helpers of the desks and poster tests that cmd tests still use
// (those tests moved to dashboard/desks, on apptest).

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// adminClient is a cookie-jar client signed in as admin, with the CSRF
// token of its session.
func adminClient(t testing.TB, a *testApp) (*http.Client, string) {
	t.Helper()
	return loginAs(t, a, "admin", testAdminPassword)
}

// apiCall sends a JSON request with HTTP Basic as admin.
func apiCall(t *testing.T, method, u string, body any, out any) int {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		_ = json.NewEncoder(&buf).Encode(body)
	}
	req, _ := http.NewRequest(method, u, &buf)
	req.SetBasicAuth("admin", testAdminPassword)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// answer opens a survey URL and submits a valid answer; it returns the
// POST's status and the page it led to.
func answer(t *testing.T, c *http.Client, base, surveyURL string) (int, *http.Response) {
	t.Helper()
	res, err := c.Get(surveyURL)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, res
	}
	form := parseForm(t, res.Body)
	res.Body.Close()
	res = post(t, c, base+form.Action, form.Hidden, validAnswers())
	return res.StatusCode, res
}

// loginClient returns a client signed in as admin, through the login form.
func loginClient(t *testing.T, a *testApp) *http.Client { return loginClientTB(t, a) }

// loginClientTB is loginClient for tests and benchmarks.
func loginClientTB(t testing.TB, a *testApp) *http.Client {
	t.Helper()
	c, _ := adminClient(t, a)
	return c
}

// sessionCookie returns the session cookie the client holds for the app.
func sessionCookie(t *testing.T, c *http.Client, a *testApp) *http.Cookie {
	t.Helper()
	u, err := url.Parse(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "hl_session" {
			return ck
		}
	}
	t.Fatal("the signed-in client holds no hl_session cookie")
	return nil
}

// get fetches u with c and returns the response with its body read.
func get(t *testing.T, c *http.Client, u string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// getDoc fetches an HTML page that must answer 200.
func getDoc(t *testing.T, c *http.Client, u string) *goquery.Document {
	t.Helper()
	res, body := get(t, c, u)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d, want 200", u, res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// zbarDecode reads the QR code in a PNG with zbarimg, or skips.
func zbarDecode(t *testing.T, img []byte) string {
	t.Helper()
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed: apt-get install -y zbar-tools (CI installs it)")
	}
	f := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(f, img, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbar, "--raw", "-q", f).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("zbarimg read no code: %v %s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(out), "\n")
}
