package apifilters

import "testing"

func TestSortUsesEmail(t *testing.T) {
	for sort, want := range map[string]bool{
		"email": true, "-email": true, "+email": true, " email ": true, "created,-email": true,
		"EMAIL": true, "email:lower": true, "author.email": true, "user.email:lower": true,
		"username": false, "-created,username": false, "emailVisibility": false, "@random": false, "": false,
	} {
		if got := SortUsesEmail(sort); got != want {
			t.Errorf("SortUsesEmail(%q) = %v, want %v", sort, got, want)
		}
	}
}

func TestFilterUsesEmail(t *testing.T) {
	for filter, want := range map[string]bool{
		"email > 'm'":                        true,
		"email ~ 'a%'":                       true,
		"(username != '' && email != '')":    true,
		"((email:lower = 'x'))":              true,
		"author.email ?= 'a@example.com'":    true,
		"strftime('%Y', email) = '2024'":     true,
		"'x' = email":                        true,
		"username = 'email'":                 false,
		"name ~ \"my email\"":                false,
		"emailVisibility = true":             false,
		"username = 'a' || created > '2020'": false,
		"":                                   false,
	} {
		if got := FilterUsesEmail(filter); got != want {
			t.Errorf("FilterUsesEmail(%q) = %v, want %v", filter, got, want)
		}
	}
}
