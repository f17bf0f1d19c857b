//! `user get EMAIL` in one pass over the users list as it arrives, without parsing the list.
//!
//! Each `Email` value is decoded (escapes included) and compared with [`same_email`], the rule
//! every lookup uses, so Unicode emails match as they always did; only the user object around
//! the first match is parsed. The body is let go as it is read but for the last [`KEEP`] bytes,
//! and reading stops once the user is whole: 100,000 users cost about what a few do. The emails
//! seen are kept, one buffer for all, for the not-found hint.

use super::same_email;
use crate::api::models::{ListedUser, Text, User};
use crate::api::BodySink;

/// How much of the body before the current position is kept: a user object (its roles) is far
/// smaller, so the `{` that opens the matched user is always still there.
const KEEP: usize = 1 << 20;

pub struct EmailScan<'e> {
    email: &'e str,
    /// The body from `dropped` on.
    window: Vec<u8>,
    dropped: usize,
    /// Where in `window` the search for the next `Email` key resumes.
    scanned: usize,
    /// Where in `window` the matched user's `Email` key is (its `mail"`), once one matched.
    matched: Option<usize>,
    found: Option<Result<User, String>>,
    /// Every email seen, one per line.
    emails: String,
    /// Whether a `"Users": [` came before the first email: the emails are a users list's.
    in_list: bool,
    /// The first and last bytes that are not whitespace, to tell a list from something else.
    first: Option<u8>,
    last: Option<u8>,
}

/// What the scan saw.
pub enum Scanned {
    Found(User),
    /// No user has the email; the emails the list holds, one per line.
    Missing(String),
    /// The body is not a users list (or the matched user is not a user): why.
    Unreadable(String),
}

impl<'e> EmailScan<'e> {
    pub fn new(email: &'e str) -> Self {
        Self {
            email,
            window: Vec::new(),
            dropped: 0,
            scanned: 0,
            matched: None,
            found: None,
            emails: String::new(),
            in_list: false,
            first: None,
            last: None,
        }
    }

    /// Looks for `Email` keys from `scanned` on; stops at one whose value has not fully arrived.
    fn scan(&mut self) {
        while self.matched.is_none() {
            let Some(at) = memchr::memmem::find(&self.window[self.scanned..], b"mail\"") else {
                // The last bytes may be the start of the next key.
                self.scanned = self.window.len().saturating_sub(6).max(self.scanned);
                return;
            };
            let name = self.scanned + at;
            match email_at(&self.window, name) {
                Value::Incomplete => {
                    self.scanned = name;
                    return;
                }
                Value::NotAKey => self.scanned = name + 5,
                Value::Email { key, end, text } => {
                    if self.emails.is_empty() {
                        self.in_list = opens_users_array(&self.window[..key]);
                    }
                    self.scanned = end;
                    if same_email(&text, self.email) {
                        self.matched = Some(key);
                    }
                    self.emails.push_str(&text.replace('\n', " "));
                    self.emails.push('\n');
                }
            }
        }
    }

    /// Once an email matched: the user object around it, when it has fully arrived.
    fn settle(&mut self) {
        let Some(key) = self.matched else {
            return;
        };
        self.found = match user_around(&self.window, key, self.email) {
            Around::Found(user) => Some(Ok(user)),
            Around::Incomplete => None,
            Around::Missing(why) => Some(Err(why)),
        }
    }

    /// Lets go of the body before the last [`KEEP`] bytes behind the search.
    fn forget(&mut self) {
        if self.matched.is_none() {
            let cut = self.scanned.saturating_sub(KEEP);
            self.window.drain(..cut);
            self.dropped += cut;
            self.scanned -= cut;
        }
    }
}

/// The value of the key whose `mail"` is at `name`, if it is `"Email"` or `"email"`.
fn email_at(bytes: &[u8], name: usize) -> Value<'_> {
    let is_key = name >= 2 && bytes[name - 2] == b'"' && matches!(bytes[name - 1], b'E' | b'e');
    if !is_key {
        return Value::NotAKey;
    }
    let skip = |mut at: usize| {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        at
    };
    let colon = skip(name + 5);
    match bytes.get(colon) {
        None => return Value::Incomplete,
        Some(b':') => {}
        Some(_) => return Value::NotAKey,
    }
    let start = skip(colon + 1);
    let mut values =
        serde_json::Deserializer::from_slice(&bytes[start..]).into_iter::<Option<Text>>();
    match values.next() {
        Some(Ok(Some(text))) => Value::Email {
            key: name,
            end: start + values.byte_offset(),
            text,
        },
        // `"Email": null`: no email, and the search goes on after the key.
        Some(Ok(None)) => Value::NotAKey,
        Some(Err(err)) if err.is_eof() => Value::Incomplete,
        None => Value::Incomplete,
        Some(Err(_)) => Value::NotAKey,
    }
}

enum Value<'w> {
    Incomplete,
    /// Not an `Email` key, or one without an email: the search goes on after it.
    NotAKey,
    Email {
        key: usize,
        end: usize,
        text: Text<'w>,
    },
}

impl BodySink for EmailScan<'_> {
    type Output = Scanned;

    fn take(&mut self, piece: &[u8]) -> bool {
        let solid = |b: &&u8| !b.is_ascii_whitespace();
        if self.first.is_none() {
            self.first = piece.iter().find(solid).copied();
        }
        if let Some(last) = piece.iter().rev().find(solid) {
            self.last = Some(*last);
        }
        self.window.extend_from_slice(piece);
        self.scan();
        self.settle();
        self.forget();
        self.found.is_none()
    }

    fn end(mut self, status: reqwest::StatusCode) -> Scanned {
        if self.found.is_none() && self.matched.is_some() {
            // The body ended inside the matched user.
            self.found = Some(Err("the users list ends inside a user".to_owned()));
        }
        match (self.found, self.first, self.last) {
            (Some(Ok(user)), _, _) => Scanned::Found(user),
            (Some(Err(why)), _, _) => Scanned::Unreadable(why),
            (None, None, _) => Scanned::Unreadable(format!("empty body with status {status}")),
            (None, Some(b'{'), Some(b'}')) if self.in_list => Scanned::Missing(self.emails),
            // No email at all: only an empty users list says the user is absent (SPEC §5: a
            // body that is not the documented JSON is BAD_RESPONSE, never "not found").
            (None, Some(b'{'), Some(b'}')) if self.emails.is_empty() && self.dropped == 0 => {
                match serde_json::from_slice::<crate::api::models::UserListing>(&self.window) {
                    Ok(_) => Scanned::Missing(self.emails),
                    Err(err) => Scanned::Unreadable(err.to_string()),
                }
            }
            (None, Some(b'{'), Some(b'}')) => {
                Scanned::Unreadable("expected a \"Users\" array of users".to_owned())
            }
            (None, Some(b'{'), _) => {
                Scanned::Unreadable("EOF while parsing the users list".to_owned())
            }
            (None, _, _) => Scanned::Unreadable("expected a JSON object of users".to_owned()),
        }
    }
}

/// Whether `bytes` (the body before the first email) holds a `"Users"` key whose value is an
/// array: the emails after it are users', not some other object's.
fn opens_users_array(bytes: &[u8]) -> bool {
    memchr::memmem::find_iter(bytes, b"sers\"").any(|at| {
        let is_key = at >= 2 && bytes[at - 2] == b'"' && matches!(bytes[at - 1], b'U' | b'u');
        let mut rest = bytes[at + 5..].iter().filter(|b| !b.is_ascii_whitespace());
        is_key && rest.next() == Some(&b':') && rest.next() == Some(&b'[')
    })
}

enum Around {
    Found(User),
    Incomplete,
    Missing(String),
}

/// The user object that holds the `Email` key at `key`: the nearest `{` before it that parses as
/// a user spanning the key (a role's `{` is passed over).
fn user_around(window: &[u8], key: usize, email: &str) -> Around {
    let mut end = key;
    while let Some(open) = memchr::memrchr(b'{', &window[..end]) {
        let mut users =
            serde_json::Deserializer::from_slice(&window[open..]).into_iter::<ListedUser>();
        match users.next() {
            Some(Ok(user))
                if (open..open + users.byte_offset()).contains(&key)
                    && same_email(user.email(), email)
                    && has_user_id(&window[open..open + users.byte_offset()]) =>
            {
                return match user.to_user() {
                    Ok(user) => Around::Found(user),
                    Err(err) => Around::Missing(err.to_string()),
                };
            }
            Some(Err(err)) if err.is_eof() => return Around::Incomplete,
            _ => end = open,
        }
    }
    Around::Missing("the user holding the email could not be read".to_owned())
}

/// Whether an object names a user id: what tells a user from a role inside it (a role's key is
/// `id`, which the user model also accepts).
fn has_user_id(object: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct UserId {
        #[serde(rename = "UserID", alias = "userID", alias = "userId")]
        _id: serde::de::IgnoredAny,
    }
    serde_json::from_slice::<UserId>(object).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan of `body` fed in pieces of `size` bytes.
    fn scan(body: &[u8], email: &str, size: usize) -> (Scanned, usize) {
        let mut scan = EmailScan::new(email);
        let mut fed = 0;
        for piece in body.chunks(size.max(1)) {
            fed += piece.len();
            if !scan.take(piece) {
                break;
            }
        }
        (scan.end(reqwest::StatusCode::OK), fed)
    }

    fn found(body: &[u8], email: &str, size: usize) -> User {
        match scan(body, email, size).0 {
            Scanned::Found(user) => user,
            Scanned::Missing(_) => panic!("{email} missing"),
            Scanned::Unreadable(why) => panic!("{email} unreadable: {why}"),
        }
    }

    const BODY: &str = r#"{"OrgID":"o","Users":[
        {"UserID":"u0","Email":"x@y.io","Roles":[{"id":"r0","name":"Ann@X.io"}]},
        {"Roles":[{"id":"r1","name":"RO User"},{"id":"r2","name":"R/W User"}],"Status":"active","Email" : "ANN@x.IO","UserID":"u1"},
        {"UserID":"u2","email":"j\u00f6rg@x.io"},
        {"UserID":"u3","Email":null},
        {"UserID":"u4","Email":"\u212aim@x.io"},
        {"UserID":"u5","Email":"ann@x.io"}]}"#;

    /// SPEC §5: "not found" only from a users list; emails elsewhere, or no list, are
    /// BAD_RESPONSE; an empty list is an honest "not found".
    #[test]
    fn only_a_users_array_can_say_a_user_is_missing() {
        let missing =
            |body: &str| matches!(scan(body.as_bytes(), "z@x.io", 7).0, Scanned::Missing(_));
        assert!(missing(
            r#"{"OrgID":"o","Users":[{"UserID":"u","Email":"a@x.io"}]}"#
        ));
        assert!(missing(r#"{"OrgID":"o","users" : [ ]}"#));
        assert!(!missing(
            r#"{"OrgID":"o","Other":[{"UserID":"u","Email":"a@x.io"}]}"#
        ));
        assert!(!missing(r#"{"OrgID":"o","Users":{"Email":"a@x.io"}}"#));
        assert!(!missing(r#"{"OrgID":"o","Users":42}"#));
        assert!(!missing(r#"{"OrgID":"o"}"#));
        assert!(
            missing(r#"{"OrgID":"o","Users":[{"UserID":"u"}]}"#),
            "users without emails"
        );
    }

    #[test]
    fn the_first_user_with_the_email_is_found_in_pieces_of_any_size() {
        for size in [1, 2, 7, 64, BODY.len()] {
            let user = found(BODY.as_bytes(), "ann@x.io", size);
            assert_eq!(
                user.id, "u1",
                "not a role named like it, nor a later user ({size})"
            );
            assert_eq!(user.roles().len(), 2);
            assert_eq!(found(BODY.as_bytes(), "x@y.io", size).id, "u0");
            assert_eq!(
                found(BODY.as_bytes(), "JÖRG@x.io", size).id,
                "u2",
                "escaped, Unicode"
            );
            assert_eq!(
                found(BODY.as_bytes(), "kim@x.io", size).id,
                "u4",
                "a Kelvin sign"
            );
        }
    }

    #[test]
    fn only_email_keys_are_read_and_a_bad_value_is_passed_over() {
        let body = br#"{"Users":[
            {"UserID":"u0","Status":"gmail","BackupEmail":"ann@x.io","Email":7},
            {"UserID":"u1","Roles":[{"id":"r1","email":"ann@x.io"}],"Email":"ann@x.io"},
            {"UserID":"u2","Email":"ann@x.io"}]}"#;
        for size in [3, body.len()] {
            let user = found(body, "ann@x.io", size);
            assert_eq!(
                user.id, "u1",
                "not a BackupEmail, not a role's email ({size})"
            );
        }
        let Scanned::Missing(emails) = scan(body, "bob@x.io", 4).0 else {
            panic!("missing");
        };
        // A number is no email (the role's, read as one, only widens the hint's choice).
        assert_eq!(emails, "ann@x.io\nann@x.io\nann@x.io\n");
    }

    #[test]
    fn reading_stops_once_the_user_is_whole() {
        let (_, fed) = scan(BODY.as_bytes(), "x@y.io", 16);
        assert!(fed < BODY.len() / 2, "{fed} of {}", BODY.len());
    }

    #[test]
    fn a_missing_email_keeps_every_email_for_the_hint() {
        let Scanned::Missing(emails) = scan(BODY.as_bytes(), "bob@x.io", 5).0 else {
            panic!("missing");
        };
        assert_eq!(
            emails,
            "x@y.io\nANN@x.IO\njörg@x.io\n\u{212a}im@x.io\nann@x.io\n"
        );
    }

    #[test]
    fn a_body_that_is_not_a_users_list_is_unreadable_with_its_reason() {
        let reason = |body: &str| match scan(body.as_bytes(), "a@x.io", 3).0 {
            Scanned::Unreadable(why) => why,
            _ => panic!("{body} read"),
        };
        assert_eq!(reason(""), "empty body with status 200 OK");
        assert_eq!(reason("<html>"), "expected a JSON object of users");
        assert_eq!(
            reason(r#"{"Users": [{"UserID": "u", "#),
            "EOF while parsing the users list"
        );
        assert_eq!(
            reason(r#"{"Users": [{"UserID": "u", "Email": "a@x.io", "Roles": [{"#),
            "the users list ends inside a user"
        );
        assert!(reason(r#"{"Users": [{"UserID": 7, "Email": "a@x.io"}]}"#)
            .contains("could not be read"));
    }

    #[test]
    fn a_long_list_is_let_go_as_it_is_read() {
        let users: Vec<String> = (0..40_000)
            .map(|i| format!(r#"{{"UserID":"u{i}","Email":"user{i}@example.com","Roles":[{{"id":"r","name":"RO User"}}]}}"#))
            .collect();
        let body = format!(r#"{{"Users":[{}]}}"#, users.join(","));
        let mut scan = EmailScan::new("user39999@example.com");
        for piece in body.as_bytes().chunks(16 * 1024) {
            scan.take(piece);
            assert!(
                scan.window.len() <= KEEP + 32 * 1024,
                "{}",
                scan.window.len()
            );
        }
        assert!(scan.dropped > body.len() / 2);
        let Scanned::Found(user) = scan.end(reqwest::StatusCode::OK) else {
            panic!("found");
        };
        assert_eq!(user.id, "u39999");
        let (Scanned::Missing(emails), _) =
            self::scan(body.as_bytes(), "nobody@example.com", 16 * 1024)
        else {
            panic!("missing");
        };
        assert_eq!(emails.lines().count(), 40_000, "each email seen once");
        assert_eq!(emails.lines().last(), Some("user39999@example.com"));
    }
}
