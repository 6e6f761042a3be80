//! The SASL payloads that carry an OAuth2 access token: XOAUTH2 (Google's and Microsoft's)
//! and OAUTHBEARER (RFC 7628). Both are sent base64-encoded by the protocol code.

/// `user=USER^Aauth=Bearer TOKEN^A^A`.
pub fn xoauth2(user: &str, token: &str) -> Vec<u8> {
    format!("user={user}\x01auth=Bearer {token}\x01\x01").into_bytes()
}

/// `n,a=USER,^Ahost=HOST^Aport=PORT^Aauth=Bearer TOKEN^A^A` (RFC 7628 §3.1; `,` and `=` in
/// the user name are escaped as RFC 5801 says).
pub fn oauthbearer(user: &str, host: &str, port: u16, token: &str) -> Vec<u8> {
    let user = user.replace('=', "=3D").replace(',', "=2C");
    format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_follow_the_specs() {
        assert_eq!(
            xoauth2("a@b.c", "T"),
            b"user=a@b.c\x01auth=Bearer T\x01\x01".to_vec()
        );
        assert_eq!(
            oauthbearer("a,=b@c", "imap.c", 993, "T"),
            b"n,a=a=2C=3Db@c,\x01host=imap.c\x01port=993\x01auth=Bearer T\x01\x01".to_vec()
        );
    }
}
