import express, { type RequestHandler } from 'express';
import { PUBLIC_DIR } from '../public-dir';

/** The web console at `/`: static HTML, CSS and plain JS that call the same /v1 API as every client. */
export function consoleRoutes(): RequestHandler {
  return express.static(PUBLIC_DIR, { index: 'index.html' });
}
