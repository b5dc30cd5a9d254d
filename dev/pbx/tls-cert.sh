#!/usr/bin/env bash
# Makes a test certificate authority and a server certificate for 127.0.0.1 and localhost in
# DIR (never committed: it is made again at each start), and the tls.cfg Kamailio reads.
# Prints nothing; DIR/spki.txt holds the base64 SHA-256 of the server's public key, which the
# e2e tests give Chromium (--ignore-certificate-errors-spki-list) instead of trusting everything.
# Usage: dev/pbx/tls-cert.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
if [ ! -f server.pem ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=softphone test CA" \
    -keyout ca.key -out ca.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
    -extfile server.ext -out server.pem 2>/dev/null
  chmod 600 ca.key server.key
fi
openssl x509 -in server.pem -pubkey -noout | openssl pkey -pubin -outform der \
  | openssl dgst -sha256 -binary | base64 > spki.txt
cat > tls.cfg <<CFG
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $dir/server.key
certificate = $dir/server.pem
CFG
