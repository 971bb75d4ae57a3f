//! The server a URL names, as `server.address` and `server.port` (and OTLP's protocol
//! default) want it.

/// The host of `url` (lowercased, an IPv6 literal without its brackets, `None` when empty)
/// and its port: the one written, else the scheme's (80 for `http`, 443 for `https`). A URL
/// without a scheme is taken as `https`.
pub(crate) fn host_and_port(url: &str) -> (Option<String>, Option<u16>) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = match authority.rsplit_once(':') {
        // An IPv6 literal without a port (`[::1]`) has colons but no port.
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (authority, None),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    let port = match (port, scheme) {
        (Some(port), _) => port.parse().ok(),
        (None, "http") => Some(80),
        (None, "https") => Some(443),
        (None, _) => None,
    };
    ((!host.is_empty()).then_some(host), port)
}

#[cfg(test)]
mod tests {
    use super::host_and_port;

    #[test]
    fn hosts_and_ports_of_urls() {
        assert_eq!(host_and_port("http://localhost:4317"), (Some("localhost".into()), Some(4317)));
        assert_eq!(host_and_port("http://[::1]:4317/x"), (Some("::1".into()), Some(4317)));
        assert_eq!(host_and_port("http://[::1]"), (Some("::1".into()), Some(80)));
        assert_eq!(host_and_port("https://API.openai.com/v1?x=1"), (Some("api.openai.com".into()), Some(443)));
        assert_eq!(host_and_port("https://user:pw@host:8443"), (Some("host".into()), Some(8443)));
        assert_eq!(host_and_port("api.example.com/v1"), (Some("api.example.com".into()), Some(443)));
        assert_eq!(host_and_port("grpc://collector"), (Some("collector".into()), None));
        assert_eq!(host_and_port("http://host:notaport"), (Some("host".into()), None));
    }
}
