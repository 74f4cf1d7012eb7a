package attach

import (
	"context"
	"encoding/json"
	"fmt"
)

// PersonalData reads everything kept about a user (store.Store is one), for /datasaya.
type PersonalData interface {
	MyData(ctx context.Context, user int64) (map[string]any, error)
}

// myData is the user's data as an indented JSON file, with the names of their province and regency
// beside the codes so the file reads without a lookup.
func (r *Renderer) myData(ctx context.Context, user int64) (File, error) {
	if r.People == nil {
		return File{}, fmt.Errorf("data of %d: no store to read it from", user)
	}
	d, err := r.People.MyData(ctx, user)
	if err != nil {
		return File{}, err
	}
	if p, ok := d["profile"].(map[string]any); ok && r.Atlas != nil {
		if code, _ := p["province_code"].(string); code != "" {
			if prov, ok := r.Atlas.Province(code); ok {
				p["province"] = prov.Name
			}
		}
		if code, _ := p["regency_code"].(string); code != "" {
			if reg, ok := r.Atlas.Regency(code); ok {
				p["regency"] = reg.Name
			}
		}
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return File{}, fmt.Errorf("encode data of %d: %w", user, err)
	}
	return File{Name: "datasaya.json", Data: append(b, '\n')}, nil
}
