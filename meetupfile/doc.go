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
//	    workshops:
//	      - {title: Personal Branding, trainer: Paradigm, start: "10:00", end: "11:30"}
//
// Loading the same file again changes nothing: meetups are upserted by id.
// It imports area and flows.
package meetupfile
