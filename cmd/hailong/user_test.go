package main

import (
	"strings"
	"testing"
)

// TestUserPasswdSignsOut: "hailong user passwd" says that the account is
// signed out everywhere (from TestRoleScoping, which moved to
// dashboard/auth).
func TestUserPasswdSignsOut(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	a.Stop(t)
	if out, err := runCmd(t, dir, "user", "add", "p1", "-role", "unit_manager", "-unit", "vt-p1", "-name", "Cán bộ Phường 1", "-password", "matkhau-p1"); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	// A password change signs the account out everywhere.
	if out, err := runCmd(t, dir, "user", "passwd", "p1", "-password", "matkhau-moi"); err != nil || !strings.Contains(out, "signed out") {
		t.Fatalf("passwd: %v %s", err, out)
	}
}
