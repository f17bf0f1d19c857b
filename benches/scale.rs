//! `cargo bench`: the pure parts that matter at scale — parsing a 50,000-user response and
//! rendering it in each format (no network, no process start-up).

use astra_cli::api::models::UserListing;
use astra_cli::api::Listing;
use astra_cli::commands::user::list::UsersView;
use astra_cli::hints::CommandLine;
use astra_cli::output::{render, Format, Outcome, Style};

fn main() {
    divan::main();
}

/// A `GET /organizations/users` body with `n` users, as the emulator sends it.
fn body(n: usize) -> Vec<u8> {
    let users: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "UserID": format!("00000000-0000-4000-8000-{i:012x}"),
                "Email": format!("user{i}@example.com"),
                "Status": if i % 5 == 0 { "invited" } else { "active" },
                // 1–3 roles per user, as real organizations have (and bench/scale.sh serves).
                "Roles": (0..=i % 3).map(|r| serde_json::json!({
                    "ID": format!("0a57000{r}-4e1a-4b5c-8d2e-00000000000{r}"),
                    "Name": ROLE_NAMES[r],
                })).collect::<Vec<_>>()
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"OrgID": "o", "OrgName": "n", "Users": users})).unwrap()
}

const USERS: usize = 50_000;
const ROLE_NAMES: [&str; 3] = ["RO User", "R/W User", "Billing Admin"];

#[divan::bench]
fn parse_50k(bencher: divan::Bencher) {
    let body = body(USERS);
    bencher.bench(|| serde_json::from_slice::<UserListing>(divan::black_box(&body)).unwrap());
}

#[divan::bench(args = [Format::Human, Format::Json, Format::Csv])]
fn render_50k(bencher: divan::Bencher, format: Format) {
    let listing = Listing::try_new(body(USERS), |body| serde_json::from_slice(body)).unwrap();
    let outcome = Outcome::value(UsersView { listing });
    let style = Style {
        format,
        color: false,
        quiet: false,
        width: None,
    };
    let line = CommandLine::default();
    bencher.bench_local(|| {
        render(divan::black_box(&outcome), &line, style)
            .stdout
            .len()
    });
}
