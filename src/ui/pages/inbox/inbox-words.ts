/**
 * What an Inbox row says beside its status: why a file is not kept across reloads, and why a
 * file that is not a valid bundle is refused, in the words its Patch detail's verdict uses, so
 * the list never undersells a possible forgery. Pure: no DOM.
 */
import type { InboxKeeping } from '../../../app/inbox.ts';
import { formatBytes, formatCount } from '../../components/format.ts';

/** '' when kept; otherwise why not ("too large (…)"), for the Inbox row and the Patch detail. */
export function notKeptWords(keeping: InboxKeeping, size: number, maxBytes: number): string {
  switch (keeping) {
    case 'kept':
      return '';
    case 'too-large': {
      // Just over the limit, both round alike ("16.0 MiB"): then in bytes.
      const [its, limit] =
        formatBytes(size) === formatBytes(maxBytes)
          ? [`${formatCount(size)} bytes`, `${formatCount(maxBytes)} bytes`]
          : [formatBytes(size), formatBytes(maxBytes)];
      return `too large (${its}; a bundle may be up to ${limit})`;
    }
    case 'check-failed':
      return 'the check itself failed on this device';
    case 'storage-refused':
      return 'this browser refused to store it';
  }
}

const DO_NOT_APPLY = 'Do not apply: ';

/**
 * The refusal in the verdict's own words without the "Do not apply" the chip already says:
 * "Do not apply: the signature does not match this bundle" → "The signature does not match
 * this bundle".
 */
export function refusalWords(headline: string): string {
  const said = headline.startsWith(DO_NOT_APPLY) ? headline.slice(DO_NOT_APPLY.length) : headline;
  return said.charAt(0).toUpperCase() + said.slice(1);
}
