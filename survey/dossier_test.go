package survey

import (
	"errors"
	"hailong/internal/derrors"
	"net/http"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// A dossier's claim must not outlive an answer that was never stored: the
// citizen who reopens the receipt's QR gets the form again.
func TestDossierClaimReleasedWhenStoreFails(t *testing.T) {
	s := newTestSite(t, HandlerConfig{})
	path := "/r/" + ReceiptToken(s.codes, s.desk.ID, "dossier-hash-1", "Đăng ký khai sinh", "", s.h.now())
	s.path = path
	s.stopCommitter() // the store of answers is down
	form := validForm()
	if rec := s.post(form); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("POST with the writer stopped: %d, want 503", rec.Code)
	}
	ctx := t.Context()
	if answered, err := s.store.DossierAnswered(ctx, "dossier-hash-1", time.Now()); err != nil || answered {
		t.Errorf("after a failed store the dossier is answered=%v (%v), want free", answered, err)
	}
}

func TestDossierClaimStaleTakeover(t *testing.T) {
	s, _ := testSetup(t)
	ctx := t.Context()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if err := s.ClaimDossier(ctx, "d1", "nonce-a", t0); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		nonce string
		at    time.Time
		want  error
	}{
		{"same nonce again", "nonce-a", t0.Add(time.Second), nil},
		{"another nonce, claim recent", "nonce-b", t0.Add(claimStale - time.Second), derrors.ErrDuplicate},
		{"another nonce, claim stale and unanswered", "nonce-b", t0.Add(claimStale + time.Second), nil},
	} {
		if err := s.ClaimDossier(ctx, "d1", tt.nonce, tt.at); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	// nonce-b's answer is stored: its claim stands for good.
	if err := s.InsertResponse(ctx, &Response{ID: bson.NewObjectID(), Nonce: "nonce-b", Desk: "x", Dossier: "d1", SubmittedAt: t0}); err != nil {
		t.Fatal(err)
	}
	late := t0.Add(24 * time.Hour)
	if err := s.ClaimDossier(ctx, "d1", "nonce-c", late); !errors.Is(err, derrors.ErrDuplicate) {
		t.Errorf("claim over an answered dossier: %v, want derrors.ErrDuplicate", err)
	}
	if answered, err := s.DossierAnswered(ctx, "d1", late); err != nil || !answered {
		t.Errorf("answered dossier: %v %v", answered, err)
	}
	// Release only frees one's own claim.
	if err := s.ReleaseDossier(ctx, "d1", "nonce-a"); err != nil {
		t.Fatal(err)
	}
	if answered, _ := s.DossierAnswered(ctx, "d1", late); !answered {
		t.Error("another nonce's release freed the dossier")
	}
	if err := s.ClaimDossier(ctx, "d2", "nonce-a", t0); err != nil {
		t.Fatal(err)
	}
	if answered, _ := s.DossierAnswered(ctx, "d2", t0.Add(time.Minute)); !answered {
		t.Error("a fresh claim is not reported as answered")
	}
	if answered, _ := s.DossierAnswered(ctx, "d2", t0.Add(claimStale+time.Minute)); answered {
		t.Error("a stale claim with no answer is reported as answered")
	}
}
