export { formatDuration, Progress, type ProgressOptions, type ProgressStream } from './progress.js';
