import type { ErrorRequestHandler, RequestHandler } from "express";
import { ErrorCode, messageFor } from "../errors/error-codes";

/**
 * What express's body parser rejects (bad JSON, a body over the limit, a wrong charset) answers in the
 * usual GraphQL error shape with a public code and 400/413 — never express's HTML page or a stack trace.
 */
export const malformedRequestHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const status = typeof error === "object" && error !== null && "status" in error && typeof error.status === "number" ? error.status : 500;
  const tooLarge = status === 413;
  const clientError = status >= 400 && status < 500;
  const code = clientError ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_SERVER_ERROR;
  const message = tooLarge ? "The request body is too large." : clientError ? messageFor(ErrorCode.BAD_REQUEST) : messageFor(ErrorCode.INTERNAL_SERVER_ERROR);
  res.status(clientError ? status : 500).json({ errors: [{ message, extensions: { code } }] });
};

/** A JSON body that is not an object (null, an array, a number) is not a GraphQL request. */
export const requireJsonObject: RequestHandler = (req, res, next) => {
  if (req.method === "POST" && req.is("application/json") && (typeof req.body !== "object" || req.body === null || Array.isArray(req.body))) {
    res.status(400).json({ errors: [{ message: messageFor(ErrorCode.BAD_REQUEST), extensions: { code: ErrorCode.BAD_REQUEST } }] });
    return;
  }
  next();
};
