//! The `tallyfy` command. (Being built; see issue 5.)

fn main() {}
