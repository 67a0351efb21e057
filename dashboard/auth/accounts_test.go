package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"hailong/internal/derrors"
	"hailong/internal/testdb"
	"hailong/survey"
)

// TestAccountsCreate: the one set of account rules the users page and
// "hailong user add" share, against a real store.
func TestAccountsCreate(t *testing.T) {
	db := testdb.Mongo(t)
	ctx, now := context.Background(), time.Now()
	store := survey.NewStore(db)
	if _, err := store.SeedDemo(ctx, now); err != nil {
		t.Fatal(err)
	}
	audit := NewAudit(db)
	a := NewAccounts(NewUsers(db), NewTokens(db), audit, store)
	ok := Account{Username: "p1", Name: " Cán bộ Phường 1 ", Role: RoleUnitManager, Unit: "vt-p1", Password: "matkhau-p1"}
	if err := a.Create(ctx, "admin", ok, now); err != nil {
		t.Fatalf("a valid account: %v", err)
	}
	for _, tt := range []struct {
		name string
		acct Account
		want error
	}{
		{"taken name", ok, derrors.ErrDuplicate},
		{"bad name", Account{Username: "Tên Sai", Role: RoleViewer, Password: "matkhau-x"}, ErrUsername},
		{"unknown role", Account{Username: "x1", Role: "boss", Password: "matkhau-x"}, ErrRole},
		{"manager without unit", Account{Username: "x2", Role: RoleUnitManager, Password: "matkhau-x"}, ErrUnitNeed},
		{"operator without unit", Account{Username: "x3", Role: RoleOperator, Password: "matkhau-x"}, ErrUnitNeed},
		{"admin naming a unit", Account{Username: "x4", Role: RoleAdmin, Unit: "vt-p1", Password: "matkhau-x"}, ErrAdminUnit},
		{"unknown unit", Account{Username: "x5", Role: RoleViewer, Unit: "khong-co", Password: "matkhau-x"}, ErrNoUnit},
		{"short password", Account{Username: "x6", Role: RoleViewer, Password: "ngan"}, ErrPassword},
	} {
		if err := a.Create(ctx, "admin", tt.acct, now); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	u, err := NewUsers(db).Get(ctx, "p1")
	if err != nil || u.Name != "Cán bộ Phường 1" || u.Unit != "vt-p1" {
		t.Errorf("stored account %+v, %v", u, err)
	}
	// A city-wide viewer names no unit; refused accounts were not stored.
	if err := a.Create(ctx, "admin", Account{Username: "xem", Role: RoleViewer, Password: "matkhau-xem"}, now); err != nil {
		t.Errorf("city-wide viewer: %v", err)
	}
	if n, _ := NewUsers(db).Count(ctx); n != 2 {
		t.Errorf("%d accounts stored, want 2", n)
	}
	entries, err := audit.Recent(ctx, 10)
	if err != nil || len(entries) != 2 || entries[1].Action != "user.create" || entries[1].User != "admin" {
		t.Errorf("audit %+v, %v", entries, err)
	}
}
