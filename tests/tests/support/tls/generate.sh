#!/usr/bin/env bash
# Regenerates the loopback test certificates (valid for 100 years): a CA, the receiver's
# certificate for 127.0.0.1 and localhost, a client certificate for mutual TLS, and a second
# CA that signed none of them. Needs openssl.
set -euo pipefail
cd "$(dirname "$0")"
days=36500
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
for ca in ca other-ca; do
  openssl req -x509 $ec -keyout "$ca.key" -out "$ca.pem" -days $days -subj "/CN=otel-genai test $ca" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
done
rm other-ca.key
sign() { # name subject extensions
  openssl req $ec -keyout "$1.key" -out "$1.csr" -subj "$2"
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days $days -extfile "$1.ext"
  rm "$1.csr" "$1.ext"
}
sign server "/CN=127.0.0.1" "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth
basicConstraints=critical,CA:FALSE"
sign client "/CN=otel-genai test client" "extendedKeyUsage=clientAuth
basicConstraints=critical,CA:FALSE"
rm -f ca.key ca.srl
