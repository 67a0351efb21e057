package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hailong/internal/derrors"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// APIToken lets a machine (a one-stop dossier system) create receipt links
// for the desks of one unit subtree, without holding an official's
// password. Only the SHA-256 of its secret is kept: the token is shown once.
type APIToken struct {
	Hash      string     `bson:"_id" json:"-"` // hex SHA-256 of the 32 secret bytes
	Name      string     `bson:"name" json:"name"`
	Unit      string     `bson:"unit,omitempty" json:"unit,omitempty"` // scope root; empty = whole city
	CreatedBy string     `bson:"created_by" json:"created_by"`
	CreatedAt time.Time  `bson:"created_at" json:"created_at"`
	RevokedAt *time.Time `bson:"revoked_at,omitempty" json:"revoked_at,omitempty"`
}

// tokenPrefix marks Hài Lòng tokens, so a leaked one is recognisable.
const tokenPrefix = "hlt_"

// tokenName is what a token's name looks like (it is typed in the CLI).
var tokenName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// ValidTokenName reports whether name can name a token.
func ValidTokenName(name string) bool { return tokenName.MatchString(name) }

// Tokens stores API tokens.
type Tokens struct {
	c *mongo.Collection
}

// NewTokens returns the token store over db.
func NewTokens(db *mongo.Database) *Tokens { return &Tokens{c: db.Collection("api_tokens")} }

// tokenHash is the stored form of a presented token, or "" when it is not
// one of ours.
func tokenHash(token string) string {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, tokenPrefix))
	if !strings.HasPrefix(token, tokenPrefix) || err != nil || len(raw) != 32 {
		return ""
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// Create makes a token and returns its secret, to be shown once. The name
// must not be held by another active token (derrors.ErrDuplicate).
func (s *Tokens) Create(ctx context.Context, name, unit, by string, now time.Time) (string, *APIToken, error) {
	if err := s.c.FindOne(ctx, bson.D{{Key: "name", Value: name}, {Key: "revoked_at", Value: nil}}).Err(); err == nil {
		return "", nil, derrors.ErrDuplicate
	} else if !errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil, fmt.Errorf("find token: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := &APIToken{Hash: tokenHash(secret), Name: name, Unit: unit, CreatedBy: by, CreatedAt: now.UTC()}
	if _, err := s.c.InsertOne(ctx, t); err != nil {
		return "", nil, fmt.Errorf("insert token: %w", err)
	}
	return secret, t, nil
}

// Lookup returns the active token whose secret was presented, or
// ErrBadCredentials.
func (s *Tokens) Lookup(ctx context.Context, secret string) (*APIToken, error) {
	h := tokenHash(secret)
	if h == "" {
		return nil, ErrBadCredentials
	}
	var t APIToken
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: h}}).Decode(&t)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && t.RevokedAt != nil) {
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	return &t, nil
}

// Get returns the active token called name, or derrors.ErrNotFound.
func (s *Tokens) Get(ctx context.Context, name string) (*APIToken, error) {
	var t APIToken
	err := s.c.FindOne(ctx, bson.D{{Key: "name", Value: name}, {Key: "revoked_at", Value: nil}}).Decode(&t)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, derrors.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	return &t, nil
}

// Revoke ends the active token called name at once; derrors.ErrNotFound if
// there is none.
func (s *Tokens) Revoke(ctx context.Context, name string, now time.Time) error {
	res, err := s.c.UpdateMany(ctx, bson.D{{Key: "name", Value: name}, {Key: "revoked_at", Value: nil}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: now.UTC()}}}})
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if res.MatchedCount == 0 {
		return derrors.ErrNotFound
	}
	return nil
}

// List returns every token, revoked ones included, oldest first.
func (s *Tokens) List(ctx context.Context) ([]APIToken, error) {
	cur, err := s.c.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out := []APIToken{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}
