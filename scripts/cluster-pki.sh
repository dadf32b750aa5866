#!/usr/bin/env bash
# A throw-away PKI for the clustered event bus's TLS, made with the JDK's keytool:
#
#   scripts/cluster-pki.sh DIR
#
# writes into DIR (created, mode 700):
#   ca.p12        the cluster CA (its private key: keep it off the nodes)
#   truststore.p12  the CA certificate only       -> CHAT_CLUSTER_TLS_TRUSTSTORE
#   node.p12      a node key + certificate signed by the CA -> CHAT_CLUSTER_TLS_KEYSTORE
#   password      the stores' password (mode 600) -> CHAT_CLUSTER_TLS_KEYSTORE_PASSWORD_FILE
#   rogue.p12     a self-signed node key the CA never signed (for tests: it must be refused)
#
# One node certificate serves every node here (the event bus does not check host names; the
# CA's signature is the trust). For production, sign one certificate per node with your own CA
# and keep the CA key elsewhere. The password is CHAT_PKI_PASSWORD, or a random one.
set -euo pipefail

DIR=${1:?usage: $0 DIR}
KEYTOOL="${KEYTOOL:-${JAVA_HOME:+$JAVA_HOME/bin/}keytool}"
DAYS="${CHAT_PKI_DAYS:-30}"
mkdir -p "$DIR"
chmod 700 "$DIR"
cd "$DIR"
rm -f ca.p12 ca.pem truststore.p12 node.p12 node.csr node.pem rogue.p12 password

umask 077
PASS="${CHAT_PKI_PASSWORD:-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}"
printf '%s\n' "$PASS" > password

# keytool, quiet unless it fails.
kt() {
  local out
  if ! out=$("$KEYTOOL" "$@" -storetype PKCS12 -storepass "$PASS" 2>&1); then
    printf '%s\n' "$out" >&2
    return 1
  fi
}

kt -genkeypair -keystore ca.p12 -alias ca -keyalg EC -groupname secp256r1 -validity "$DAYS" \
  -dname "CN=chatbus cluster CA" -ext bc:c
kt -exportcert -rfc -keystore ca.p12 -alias ca -file ca.pem
kt -importcert -noprompt -keystore truststore.p12 -alias ca -file ca.pem

kt -genkeypair -keystore node.p12 -alias node -keyalg EC -groupname secp256r1 -validity "$DAYS" \
  -dname "CN=chatbus node"
kt -certreq -keystore node.p12 -alias node -file node.csr
kt -gencert -keystore ca.p12 -alias ca -validity "$DAYS" \
  -ext ku:c=digitalSignature,keyAgreement -ext eku=serverAuth,clientAuth -rfc -infile node.csr -outfile node.pem
kt -importcert -noprompt -keystore node.p12 -alias ca -file ca.pem
kt -importcert -keystore node.p12 -alias node -file node.pem

kt -genkeypair -keystore rogue.p12 -alias node -keyalg EC -groupname secp256r1 -validity "$DAYS" \
  -dname "CN=chatbus node"

rm -f node.csr
echo "cluster PKI in $DIR: CHAT_CLUSTER_TLS_KEYSTORE=$DIR/node.p12 CHAT_CLUSTER_TLS_TRUSTSTORE=$DIR/truststore.p12 CHAT_CLUSTER_TLS_KEYSTORE_PASSWORD_FILE=$DIR/password"
