/**
 * One error shape for the frontend, whoever refused: Ballast's own refusals pass through with their
 * status, code, message and details; Backstage's (sign-in, permission, bad input) get the same shape.
 */
import type { ErrorRequestHandler } from 'express';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { BallastApiError } from '@ballast/contract';

const BACKSTAGE_ERRORS: Record<string, { status: number; code: string }> = {
  AuthenticationError: { status: 401, code: 'unauthorized' },
  NotAllowedError: { status: 403, code: 'forbidden' },
  InputError: { status: 400, code: 'validation_failed' },
  NotFoundError: { status: 404, code: 'not_found' },
};

export function errorResponder(logger: LoggerService): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof BallastApiError) {
      res.status(err.status).json({ code: err.code, message: err.message, details: err.details, from: 'ballast' });
      return;
    }
    const known = err instanceof Error ? BACKSTAGE_ERRORS[err.name] : undefined;
    if (known && err instanceof Error) {
      res.status(known.status).json({ code: known.code, message: err.message, details: [], from: 'backstage' });
      return;
    }
    if (err instanceof TypeError && /fetch failed/.test(err.message)) {
      logger.warn(`Ballast did not answer: ${String((err as { cause?: unknown }).cause ?? err.message)}`);
      res.status(502).json({
        code: 'upstream_unavailable',
        message: 'the Ballast server did not answer',
        details: [],
        from: 'backstage',
      });
      return;
    }
    logger.error('ballast route failed', err instanceof Error ? err : new Error(String(err)));
    res.status(500).json({
      code: 'internal',
      message: 'the Ballast plugin failed; see the backend log',
      details: [],
      from: 'backstage',
    });
  };
}
