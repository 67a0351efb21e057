package survey

import (
	"context"
	"errors"
	"fmt"
	"hailong/internal/derrors"
	"hailong/survey/period"
	"math/rand/v2"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// sampleComments are the kind of remarks citizens leave, of varied length.
var sampleComments = []string{
	"Cán bộ nhiệt tình.",
	"Phòng chờ hơi nóng, đề nghị lắp thêm quạt.",
	"Thủ tục nhanh gọn, tôi rất hài lòng với thái độ phục vụ của cán bộ tiếp nhận hồ sơ.",
	"Phải chờ lâu vì máy lấy số bị hỏng, mong cơ quan sửa sớm.",
	"Hướng dẫn nộp hồ sơ trực tuyến chưa rõ, tôi phải nhờ cán bộ làm giúp. Đề nghị có tờ hướng dẫn từng bước dán tại quầy.",
	"Tốt",
}

// SampleAnswers draws a plausible answer to every item of in, as form
// values: most ratings 4–5, some 1–3, some "không áp dụng", comments of
// varied length. The load tool and the data generator use it.
func SampleAnswers(rng *rand.Rand, in *Instrument) map[string][]string {
	v := map[string][]string{}
	for i := range in.Items {
		it := &in.Items[i]
		switch it.Type {
		case TypeScale:
			if it.Satisfaction() {
				x := rng.IntN(100)
				switch {
				case it.NA && x < 7:
					v[it.Code] = []string{"0"}
				case x < 22:
					v[it.Code] = []string{strconv.Itoa(1 + rng.IntN(3))}
				default:
					v[it.Code] = []string{strconv.Itoa(4 + rng.IntN(2))}
				}
				continue
			}
			if !it.Required && rng.IntN(5) == 0 {
				continue
			}
			opts := it.Choices()
			// Perception items lean to their first option ("không có").
			k := rng.IntN(len(opts))
			if rng.IntN(10) < 8 && it.Scale == "harassment3" {
				k = 0
			}
			v[it.Code] = []string{strconv.Itoa(opts[k].Code)}
		case TypeChoice, TypePoints:
			v[it.Code] = []string{strconv.Itoa(it.Options[rng.IntN(len(it.Options))].Code)}
		case TypeMulti:
			for _, o := range it.Options {
				if o.Key != it.Exclusive && rng.IntN(4) == 0 {
					v[it.Code] = append(v[it.Code], o.Key)
				}
			}
		case TypeText:
			if rng.IntN(4) == 0 {
				v[it.Code] = []string{sampleComments[rng.IntN(len(sampleComments))]}
			}
		}
	}
	return v
}

// SampleResponse is a valid stored response of desk at, drawn like
// SampleAnswers.
func SampleResponse(rng *rand.Rand, in *Instrument, desk *Desk, at time.Time) (*Response, error) {
	a, err := Validate(in, SampleAnswers(rng, in))
	if err != nil {
		return nil, fmt.Errorf("sample answers: %w", err)
	}
	r := &Response{
		ID: bson.NewObjectID(), Nonce: fmt.Sprintf("gen-%016x%016x", rng.Uint64(), rng.Uint64()),
		Instrument: in.ID(), Desk: desk.ID, Unit: desk.Unit, Channel: ChannelQR,
		Answers: a.Scores, Choices: a.Choices, Comment: a.Comment, Lang: "vi", Status: StatusOK,
		SubmittedAt: at.UTC(),
	}
	if len(r.Choices) == 0 {
		r.Choices = nil
	}
	if rng.IntN(10) == 0 {
		r.Channel = ChannelKiosk
	}
	return r, nil
}

// Generation is what "hailong generate" adds: N responses to instrument
// In spread over the days [From, To], over the demo desks and, with Desks,
// extra desks until there are that many. Same Seed, same data.
type Generation struct {
	In       *Instrument
	N        int
	From, To time.Time
	Seed     uint64
	Desks    int
}

// Generate inserts g's responses in batches of a thousand, straight into
// the store (no rollups: reindex afterwards). It is the data behind the
// benchmarks.
func (s *Store) Generate(ctx context.Context, g Generation) error {
	desks, err := s.Desks(ctx)
	if err != nil {
		return err
	}
	if desks, err = s.addDesks(ctx, desks, g.Desks); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(g.Seed, 2024))
	span := g.To.AddDate(0, 0, 1).Sub(g.From)
	const batch = 1000
	buf := make([]*Response, 0, batch)
	for i := 0; i < g.N; i++ {
		at := g.From.Add(time.Duration(rng.Int64N(int64(span))))
		// Desks are open 7:30–17:00: fold night times into office hours.
		if h := at.In(period.Vietnam).Hour(); h < 7 || h > 16 {
			at = at.Add(time.Duration(10-h) * time.Hour)
		}
		r, err := SampleResponse(rng, g.In, &desks[rng.IntN(len(desks))], at)
		if err != nil {
			return err
		}
		buf = append(buf, r)
		if len(buf) == batch || i == g.N-1 {
			if err := s.InsertResponses(ctx, buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return nil
}

// addDesks adds numbered desks to the units that have desks until there
// are n (generated data only).
func (s *Store) addDesks(ctx context.Context, desks []Desk, n int) ([]Desk, error) {
	var units []string
	seen := map[string]bool{}
	for _, d := range desks {
		if !seen[d.Unit] {
			seen[d.Unit] = true
			units = append(units, d.Unit)
		}
	}
	for i := len(desks); i < n && len(units) > 0; i++ {
		d := Desk{ID: fmt.Sprintf("gen-q%03d", i+1), Unit: units[i%len(units)], Name: fmt.Sprintf("Quầy %d", i+1),
			Instrument: "counter", Generation: 1, Active: true, CreatedAt: time.Now().UTC()}
		if err := s.InsertDesk(ctx, &d); err != nil && !errors.Is(err, derrors.ErrDuplicate) {
			return nil, err
		}
		desks = append(desks, d)
	}
	return desks, nil
}
