#!/usr/bin/env bash
# Makes, in DIR (never committed: made again for each run), what the Salesforce Voice stand-in and
# the VoiceCall service need:
# - ca.pem, server.pem, server.key: a test CA and one server certificate for every name the
#   stand-in answers as (the org's Lightning and Visualforce hosts, another org's Lightning
#   host, the VoiceCall service's lookup host, 127.0.0.1); spki.txt: the base64 SHA-256 of its
#   public key, which the tests give Chromium (--ignore-certificate-errors-spki-list) instead of
#   trusting everything;
# - contact-center.key, contact-center.pem: the contact center's signing key and its
#   self-signed certificate (what an admin imports into the contact center; the VoiceCall
#   service signs its JWTs with the key, the stand-in checks them with the certificate).
# Usage: dev/voice/cert.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
umask 077
if [ ! -f server.pem ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=voice stand-in test CA" -keyout ca.key -out ca.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=acme.lightning.force.com" -keyout server.key -out server.csr 2>/dev/null
  names="DNS:acme.lightning.force.com,DNS:acme--c.vf.force.com,DNS:acme--other.vf.force.com,DNS:other.lightning.force.com"
  printf 'subjectAltName=%s,DNS:voicecall.acme.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' "$names" > server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile server.ext -out server.pem 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Rust Softphone contact center" \
    -keyout contact-center.key -out contact-center.pem 2>/dev/null
fi
openssl x509 -in server.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64 > spki.txt
chmod 644 ca.pem server.pem contact-center.pem spki.txt
