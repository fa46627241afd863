/** "Run now" lives beside the other source operations, shared by the web page and the API. */
export { createSourceRunner, type SourceRunner } from '../../../crawlers/sources-service.ts';
