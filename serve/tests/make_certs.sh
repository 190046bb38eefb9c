#!/usr/bin/env bash
# Makes the TLS material of the server tests in DIR with the openssl CLI (EC P-256, valid 2
# days): a CA (ca.pem/.key); the server's certificate signed by it, for 127.0.0.1 and
# localhost (server.pem/.key); a client certificate signed by it (client.pem/.key); and a
# second, unrelated CA with a client certificate of its own (other_ca.pem, other_client.pem/.key).
# Usage: make_certs.sh DIR
set -euo pipefail
cd "$1"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2> /dev/null; }
ca() {  # ca NAME CN
    key "$1"
    openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2" 2> /dev/null
}
signed() {  # signed NAME CN CA EXTENSIONS SERIAL
    key "$1"
    openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2" 2> /dev/null
    printf '%b' "$4" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -set_serial "$5" -days 2 -extfile "$1.ext" \
        -out "$1.pem" 2> /dev/null
    rm -f "$1.csr" "$1.ext"
}
ca ca "linfa-serve test CA"
signed server localhost ca 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' 2
signed client "test client" ca 'extendedKeyUsage=clientAuth\n' 3
ca other_ca "an unrelated CA"
signed other_client "stranger" other_ca 'extendedKeyUsage=clientAuth\n' 4
openssl verify -CAfile ca.pem server.pem client.pem > /dev/null
