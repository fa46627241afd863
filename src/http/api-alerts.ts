import type { Router } from 'express';
import type { App } from '../app.ts';
import { guardedRouter, type Guard } from './guard.ts';

/** Alert targets, the delivery log and digest preferences (/api/alerts). */
export function createAlertsRouter(_app: App, guard: Guard): Router {
  return guardedRouter(guard, '/api/alerts');
}
