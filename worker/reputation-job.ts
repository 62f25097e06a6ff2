/**
 * What the reputation worker does with one message: check its shape, rebuild the input, run
 * core's `computeReputation`, and answer with the result (or the serialised error) and the
 * buffers to transfer. Kept apart from the worker entry so tests run it in Node.
 */
import { computeReputation } from '../src/core/reputation/compute.ts';
import { malformedRequest, serializeError } from './protocol.ts';
import {
  decodeInput,
  encodeResult,
  isReputationRequest,
  type Posted,
  type ReputationResponse,
} from './reputation-protocol.ts';

export function runReputationJob(message: unknown): Posted<ReputationResponse> {
  if (!isReputationRequest(message))
    return { message: malformedRequest('reputation worker', message), transfer: [] };
  const { id } = message;
  try {
    const input = decodeInput(message.input);
    const result = encodeResult(computeReputation(input, message.params), input);
    return { message: { kind: 'scored', id, result: result.message }, transfer: result.transfer };
  } catch (cause) {
    return { message: { kind: 'error', id, error: serializeError(cause) }, transfer: [] };
  }
}
