/**
 * in-toto Statement v1 (in-toto/attestation spec/v1/statement.md): subjects named by digest,
 * a predicate type URI, and the predicate. Carried as the payload of a DSSE envelope.
 */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';

export interface Subject {
  name: string;
  digest: { sha256: string };
}

export interface Statement<P> {
  _type: typeof STATEMENT_TYPE;
  subject: Subject[];
  predicateType: string;
  predicate: P;
}

export function makeStatement<P>(
  subject: Subject[],
  predicateType: string,
  predicate: P,
): Statement<P> {
  return { _type: STATEMENT_TYPE, subject, predicateType, predicate };
}
