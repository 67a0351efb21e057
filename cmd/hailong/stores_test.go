package main

import (
	"strings"
	"testing"
)

// TestDataDirInUse: a second process on the same data dir stops with the
// lock message (from TestSurveyEndToEnd, which moved to package survey).
func TestDataDirInUse(t *testing.T) {
	dir := t.TempDir()
	startApp(t, dir, nil)
	if _, err := tryStartApp(t, dir, nil); err == nil || !strings.Contains(err.Error(), "in use by another hailong process") {
		t.Fatalf("second process on one data dir: err = %v", err)
	}
}
