//! The `tallyfy` crate: the SDK services depend on. (Being built; see issue 4.)
