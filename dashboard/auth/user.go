package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"hailong/internal/derrors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"golang.org/x/crypto/bcrypt"
)

// Roles.
const (
	RoleAdmin       = "admin"
	RoleUnitManager = "unit_manager"
	RoleViewer      = "viewer"
	// RoleOperator keys paper forms of its unit (nhập phiếu) and sees
	// what a viewer sees; it supervises nothing.
	RoleOperator = "operator"
)

// User is an official's account. Only a bcrypt hash of the password is kept.
type User struct {
	Username     string `bson:"_id" json:"username"`
	Name         string `bson:"name" json:"name"`
	Role         string `bson:"role" json:"role"`
	Unit         string `bson:"unit,omitempty" json:"unit,omitempty"` // scope root; empty = whole city
	PasswordHash []byte `bson:"password_hash" json:"-"`
	Disabled     bool   `bson:"disabled" json:"disabled"`
	// SessionEpoch is raised by a password change: every session made
	// before it stops working, on every replica.
	SessionEpoch int       `bson:"session_epoch" json:"-"`
	CreatedAt    time.Time `bson:"created_at" json:"created_at"`
}

// Users stores officials' accounts.
type Users struct {
	c *mongo.Collection
}

// NewUsers returns the account store over db.
func NewUsers(db *mongo.Database) *Users {
	return &Users{c: db.Collection("users")}
}

// Get returns the user, or derrors.ErrNotFound.
func (s *Users) Get(ctx context.Context, username string) (*User, error) {
	var u User
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: username}}).Decode(&u)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, derrors.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	return &u, nil
}

// Insert adds a user; derrors.ErrDuplicate if the name is taken.
func (s *Users) Insert(ctx context.Context, u *User) error {
	_, err := s.c.InsertOne(ctx, u)
	if mongo.IsDuplicateKeyError(err) {
		return derrors.ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

// Count returns the number of accounts.
func (s *Users) Count(ctx context.Context) (int64, error) {
	n, err := s.c.CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// Authenticate returns the user when the password matches an active
// account. It spends the same bcrypt time for unknown names, so response
// time does not reveal which accounts exist.
func (s *Users) Authenticate(ctx context.Context, username, password string) (*User, error) {
	u, err := s.Get(ctx, username)
	if errors.Is(err, derrors.ErrNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword(u.PasswordHash, []byte(password)) != nil || u.Disabled {
		return nil, ErrBadCredentials
	}
	return u, nil
}

// ErrBadCredentials is returned for a wrong name, password or a disabled account.
var ErrBadCredentials = errors.New("bad credentials")

var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.DefaultCost)

// HashPassword returns the bcrypt hash stored for password.
func HashPassword(password string) ([]byte, error) {
	if len(password) < 8 {
		return nil, ErrPassword
	}
	return bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
}

// EnsureAdmin creates the "admin" account when there is no account at all.
// With an empty password it generates one and returns it, to be printed
// once; otherwise it returns "".
func (s *Users) EnsureAdmin(ctx context.Context, password string, now time.Time) (created bool, generated string, err error) {
	n, err := s.Count(ctx)
	if err != nil || n > 0 {
		return false, "", err
	}
	if password == "" {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		password = base64.RawURLEncoding.EncodeToString(b)
		generated = password
	}
	hash, err := HashPassword(password)
	if err != nil {
		return false, "", fmt.Errorf("admin password: %w", err)
	}
	u := &User{Username: "admin", Name: "Quản trị hệ thống", Role: RoleAdmin, PasswordHash: hash, CreatedAt: now.UTC()}
	if err := s.Insert(ctx, u); errors.Is(err, derrors.ErrDuplicate) {
		return false, "", nil // another replica created it first
	} else if err != nil {
		return false, "", err
	}
	return true, generated, nil
}

// SetPassword changes a password and ends every session of the account.
func (s *Users) SetPassword(ctx context.Context, username, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.update(ctx, username, bson.D{{Key: "$set", Value: bson.D{{Key: "password_hash", Value: hash}}},
		{Key: "$inc", Value: bson.D{{Key: "session_epoch", Value: 1}}}})
}

// SetDisabled disables or re-enables an account; disabling ends its sessions.
func (s *Users) SetDisabled(ctx context.Context, username string, disabled bool) error {
	return s.update(ctx, username, bson.D{{Key: "$set", Value: bson.D{{Key: "disabled", Value: disabled}}},
		{Key: "$inc", Value: bson.D{{Key: "session_epoch", Value: 1}}}})
}

// List returns every account.
func (s *Users) List(ctx context.Context) ([]User, error) {
	cur, err := s.c.Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	var out []User
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

func (s *Users) update(ctx context.Context, username string, upd bson.D) error {
	res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: username}}, upd)
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if res.MatchedCount == 0 {
		return derrors.ErrNotFound
	}
	return nil
}

// ValidRole reports whether role is one of the roles.
func ValidRole(role string) bool {
	return role == RoleAdmin || role == RoleUnitManager || role == RoleViewer || role == RoleOperator
}

// Supervises reports whether the account decides for its scope: hides
// comments, reviews suspect answers, settles paper keyings that disagree.
// Viewers and operators do not.
func (u *User) Supervises() bool { return u.Role == RoleAdmin || u.Role == RoleUnitManager }

// Problems of a new account, as CheckAccount reports them.
var (
	ErrRole      = errors.New("role is not admin, unit_manager, viewer or operator")
	ErrUnitNeed  = errors.New("a unit manager or operator needs a unit")
	ErrAdminUnit = errors.New("an administrator sees every unit and names none")
)

// CheckAccount is the one rule of roles and units, for the page and the
// command line alike: unit managers and operators act for a unit, so they
// name one; an administrator sees every unit, so naming one would only
// mislead (refused); a viewer may name one (its subtree) or none (the
// whole city). Whether the unit exists is the caller's check.
func CheckAccount(role, unit string) error {
	switch {
	case !ValidRole(role):
		return ErrRole
	case (role == RoleUnitManager || role == RoleOperator) && unit == "":
		return ErrUnitNeed
	case role == RoleAdmin && unit != "":
		return ErrAdminUnit
	}
	return nil
}
