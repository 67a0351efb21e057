package apptest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ZbarDecode reads the QR code in a PNG with zbarimg, or skips the test
// when zbarimg is not installed.
func ZbarDecode(t testing.TB, img []byte) string {
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
