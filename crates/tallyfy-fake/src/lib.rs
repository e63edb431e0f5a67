//! An in-memory Tallyfy server. (Being built; see issue 3.)
