export { JsonSerializer } from './json-serializer.js';
