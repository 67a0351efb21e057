package survey

import (
	"context"
	"errors"
	"fmt"
	"hailong/internal/derrors"
	"time"
)

// demoUnits are the city of the 2024 plan (seed/ke-hoach-tuyen-truyen-cchc-2024.txt),
// the departments it names in section IV, and some of its wards and communes.
var demoUnits = []Unit{
	{ID: "vt", Name: "UBND thành phố Vũng Tàu", NameEN: "Vung Tau City People's Committee", Kind: KindCity,
		Address: "89 Lý Thường Kiệt, Phường 1, thành phố Vũng Tàu"},
	{ID: "vt-vp", Parent: "vt", Name: "Văn phòng HĐND và UBND thành phố", NameEN: "Office of the City Council and People's Committee", Kind: KindDepartment},
	{ID: "vt-vhtt", Parent: "vt", Name: "Phòng Văn hóa và Thông tin", NameEN: "Culture and Information Office", Kind: KindDepartment},
	{ID: "vt-nv", Parent: "vt", Name: "Phòng Nội vụ", NameEN: "Home Affairs Office", Kind: KindDepartment},
	{ID: "vt-ttvh", Parent: "vt", Name: "Trung tâm Văn hóa, Thông tin và Thể thao thành phố", NameEN: "City Culture, Information and Sports Centre", Kind: KindDepartment},
	{ID: "vt-cttdt", Parent: "vt", Name: "Ban biên tập Cổng thông tin điện tử thành phố", NameEN: "City Web Portal Editorial Board", Kind: KindDepartment},
	{ID: "vt-p1", Parent: "vt", Name: "UBND Phường 1", NameEN: "Ward 1 People's Committee", Kind: KindWard},
	{ID: "vt-p7", Parent: "vt", Name: "UBND Phường 7", NameEN: "Ward 7 People's Committee", Kind: KindWard},
	{ID: "vt-thang-tam", Parent: "vt", Name: "UBND Phường Thắng Tam", NameEN: "Thang Tam Ward People's Committee", Kind: KindWard},
	{ID: "vt-rach-dua", Parent: "vt", Name: "UBND Phường Rạch Dừa", NameEN: "Rach Dua Ward People's Committee", Kind: KindWard},
	{ID: "vt-nguyen-an-ninh", Parent: "vt", Name: "UBND Phường Nguyễn An Ninh", NameEN: "Nguyen An Ninh Ward People's Committee", Kind: KindWard},
	{ID: "vt-long-son", Parent: "vt", Name: "UBND xã Long Sơn", NameEN: "Long Son Commune People's Committee", Kind: KindCommune},
}

// demoDesks are 1–3 counters per unit that receives dossiers.
var demoDesks = []Desk{
	{ID: "vt-q1", Unit: "vt", Name: "Quầy 1 – Hộ tịch, chứng thực", NameEN: "Counter 1 – Civil status, certification", Fields: []string{"ho-tich", "chung-thuc"}},
	{ID: "vt-q2", Unit: "vt", Name: "Quầy 2 – Đất đai, xây dựng", NameEN: "Counter 2 – Land, construction", Fields: []string{"dat-dai", "xay-dung"}},
	{ID: "vt-q3", Unit: "vt", Name: "Quầy 3 – Đăng ký kinh doanh", NameEN: "Counter 3 – Business registration", Fields: []string{"kinh-doanh"}},
	{ID: "p1-q1", Unit: "vt-p1", Name: "Quầy 1 – Hộ tịch", NameEN: "Counter 1 – Civil status", Fields: []string{"ho-tich"}},
	{ID: "p1-q2", Unit: "vt-p1", Name: "Quầy 2 – Chứng thực", NameEN: "Counter 2 – Certification", Fields: []string{"chung-thuc"}},
	{ID: "p7-q1", Unit: "vt-p7", Name: "Quầy Một cửa", NameEN: "One-stop counter", Fields: []string{"ho-tich", "chung-thuc"}},
	{ID: "tt-q1", Unit: "vt-thang-tam", Name: "Quầy 1 – Hộ tịch, chứng thực", NameEN: "Counter 1 – Civil status, certification", Fields: []string{"ho-tich", "chung-thuc"}},
	{ID: "tt-q2", Unit: "vt-thang-tam", Name: "Quầy 2 – Đất đai", NameEN: "Counter 2 – Land", Fields: []string{"dat-dai"}},
	{ID: "rd-q1", Unit: "vt-rach-dua", Name: "Quầy Một cửa", NameEN: "One-stop counter", Fields: []string{"ho-tich", "chung-thuc"}},
	{ID: "nan-q1", Unit: "vt-nguyen-an-ninh", Name: "Quầy 1 – Hộ tịch", NameEN: "Counter 1 – Civil status", Fields: []string{"ho-tich"}},
	{ID: "nan-q2", Unit: "vt-nguyen-an-ninh", Name: "Quầy 2 – Chứng thực, đất đai", NameEN: "Counter 2 – Certification, land", Fields: []string{"chung-thuc", "dat-dai"}},
	{ID: "ls-q1", Unit: "vt-long-son", Name: "Quầy Một cửa", NameEN: "One-stop counter", Fields: []string{"ho-tich", "dat-dai"}},
}

// SeedDemo fills an empty database with the demo city. It returns false
// without writing when units already exist; fixed ids make a concurrent or
// repeated seed a no-op rather than a duplicate.
func (s *Store) SeedDemo(ctx context.Context, now time.Time) (bool, error) {
	n, err := s.units.CountDocuments(ctx, map[string]any{})
	if err != nil {
		return false, fmt.Errorf("count units: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	for _, u := range demoUnits {
		u.CreatedAt = now.UTC()
		if err := s.InsertUnit(ctx, &u); err != nil && !errors.Is(err, derrors.ErrDuplicate) {
			return false, err
		}
	}
	for _, d := range demoDesks {
		d.CreatedAt = now.UTC()
		d.Instrument = "counter"
		d.Generation = 1
		d.Active = true
		if err := s.InsertDesk(ctx, &d); err != nil && !errors.Is(err, derrors.ErrDuplicate) {
			return false, err
		}
	}
	return true, nil
}
