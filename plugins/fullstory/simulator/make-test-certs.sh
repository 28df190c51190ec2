#!/bin/sh
# make-test-certs.sh OUTDIR: throwaway TLS material for testing fullstory-sim over HTTPS.
#
#   ca.pem, ca.key           a test CA
#   server.pem, server.key   a server certificate signed by that CA, valid for IP 127.0.0.1
#                            and DNS localhost (subjectAltName: what clients actually check)
#   other-ca.pem             an unrelated CA, for the "server signed by an unknown CA" test
#
# Keys are unencrypted and certificates short-lived: never use these outside tests.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
out=$1
mkdir -p "$out"
cd "$out"

days=30

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
  -subj "/CN=fullstory-sim test CA" -keyout ca.key -out ca.pem 2>/dev/null

openssl req -new -newkey rsa:2048 -nodes -sha256 \
  -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
cat > server.ext <<'EXT'
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
EXT
openssl x509 -req -sha256 -days "$days" -in server.csr -CA ca.pem -CAkey ca.key \
  -CAcreateserial -extfile server.ext -out server.pem 2>/dev/null

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
  -subj "/CN=fullstory-sim unrelated CA" -keyout other-ca.key -out other-ca.pem 2>/dev/null

rm -f server.csr server.ext ca.srl other-ca.key
