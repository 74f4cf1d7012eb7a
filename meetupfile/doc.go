// Package meetupfile reads meetups from YAML, the format of EVENTS_FILE, and holds the two demo
// meetups the console starts with.
//
// A file lists meetups; times are written in the venue's local time, whose zone follows from the
// province, so organizers never type a UTC offset:
//
//	meetups:
//	  - id: jambi-2027
//	    title: Temu Alumni Jambi
//	    province: Jambi              # a name or a code ("15")
//	    regency: Kota Jambi          # a name or a code ("15.71")
//	    venue: {name: Swiss-Belhotel Jambi, address: "Kota Jambi"}
//	    start: 2027-03-18 09:00      # WIB, because Jambi is in Asia/Jakarta
//	    end: 2027-03-18 15:00
//	    capacity: 120
//	    status: published            # draft, published or cancelled; default published
//	    claim_hours: 6               # how long a freed seat waits for the next on the waitlist; default 12
//	                                 # (within the last day before the meetup, at most 2)
//	    feedback_after: 2h           # when the alumni who came are asked how it was; default 1h after the end
//	    workshops:
//	      - {title: Personal Branding, trainer: Paradigm, start: "10:00", end: "11:30"}
//
// The bot is the one writer of a meetup (Apply): a meetup the store does not have yet is created; one
// it has changes only when the file's version of it changed since it was last applied, and then as
// /buatacara changes it (checked against the seats taken, holders told of a new date, time or venue
// once). Loading the same file again, on every replica at every start, changes nothing, and edits made
// in the bot stand.
// It imports area and flows.
package meetupfile
