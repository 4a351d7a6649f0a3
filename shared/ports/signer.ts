/** A public key as a JWKS publishes it (RFC 7517): P-256, for ES256 signatures. */
export type PublicJwk = { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' };

/**
 * Signs what the platform issues (the certificates' QR payloads): ECDSA P-256 with SHA-256, as
 * JWS's ES256. AWS KMS (an ECC_NIST_P256 key) in AWS; a key kept under DATA_DIR locally.
 */
export interface Signer {
  /**
   * Signs with the current key the message `build` makes for that key's id (a JWS names its key in
   * what is signed); the signature as JWS carries it (r ‖ s, 64 bytes).
   */
  sign(build: (kid: string) => Uint8Array): Promise<{ kid: string; message: Uint8Array; signature: Uint8Array }>;
  /** The public keys a verifier needs: the current one first, then those it replaced and whose signatures still stand. */
  publicKeys(): Promise<PublicJwk[]>;
}
