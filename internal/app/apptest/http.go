package apptest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// Client returns an HTTP client with a cookie jar that does not follow
// redirects, so tests see the 303s.
func Client(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// LoginCSRF opens the login page with c and returns its CSRF token (the
// same token every form of the session carries).
func LoginCSRF(t testing.TB, base string, c *http.Client) string {
	t.Helper()
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	csrf, _ := doc.Find(`input[name=_csrf]`).Attr("value")
	return csrf
}

// LoginWith signs c in as user and returns the session's CSRF token.
func LoginWith(t testing.TB, base string, c *http.Client, user, pass string) string {
	t.Helper()
	csrf := LoginCSRF(t, base, c)
	res, err := c.PostForm(base+"/login", url.Values{"_csrf": {csrf}, "username": {user}, "password": {pass}})
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", user, res.StatusCode)
	}
	return csrf
}

// LoginAs returns a fresh client signed in as user, and its CSRF token.
func LoginAs(t testing.TB, base, user, pass string) (*http.Client, string) {
	t.Helper()
	c := Client(t)
	return c, LoginWith(t, base, c, user, pass)
}

// Admin returns a client signed in as the admin account, and its CSRF token.
func Admin(t testing.TB, base string) (*http.Client, string) {
	t.Helper()
	return LoginAs(t, base, "admin", AdminPassword)
}

// Get sends a GET with the header pairs and returns the answer and its body.
func Get(t testing.TB, c *http.Client, u string, header ...string) (*http.Response, []byte) {
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

// Download GETs u, fails the test unless it answers 200, and returns the
// body and the headers.
func Download(t testing.TB, c *http.Client, u string) ([]byte, http.Header) {
	t.Helper()
	res, b := Get(t, c, u)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	return b, res.Header
}

// MustGet is Download's body.
func MustGet(t testing.TB, c *http.Client, u string) []byte {
	t.Helper()
	b, _ := Download(t, c, u)
	return b
}

// HTMLPage GETs a page that must answer 200 and parses it.
func HTMLPage(t testing.TB, c *http.Client, u string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(MustGet(t, c, u)))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// GetJSON GETs u as the admin (HTTP Basic), decodes the answer into out
// (when not nil) and returns the status.
func GetJSON(t testing.TB, u string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.SetBasicAuth("admin", AdminPassword)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode
}

// JSONCall sends body as JSON with the header pairs, decodes the answer
// into out (when not nil) and returns the status.
func JSONCall(t testing.TB, c *http.Client, method, u string, body, out any, header ...string) int {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		_ = json.NewEncoder(&buf).Encode(body)
	}
	req, _ := http.NewRequest(method, u, &buf)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// AdminCall sends body as JSON to u as the admin (HTTP Basic), decodes
// the answer into out (when not nil) and returns the status.
func AdminCall(t testing.TB, method, u string, body, out any) int {
	t.Helper()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:"+AdminPassword))
	return JSONCall(t, http.DefaultClient, method, u, body, out, "Authorization", basic)
}

// Metric returns the sum of the /metrics samples of name whose labels
// include every one of labels (`limit="device"`...).
func Metric(t testing.TB, base, name string, labels ...string) float64 {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d", res.StatusCode)
	}
	var sum float64
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(line, l)
		}
		if ok {
			f, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
			if err != nil {
				t.Fatalf("metric line %q: %v", line, err)
			}
			sum += f
		}
	}
	return sum
}

// SessionCookie returns the session cookie c holds for the service at
// base, or fails the test.
func SessionCookie(t testing.TB, c *http.Client, base string) *http.Cookie {
	t.Helper()
	u, err := url.Parse(base)
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
