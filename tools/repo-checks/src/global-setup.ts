import type { TestProject } from 'vitest/node';
import { type ConsumerProject, prepareConsumerProject } from './consumer-project.js';
import { exampleDependencies, readmeExamples } from './readme-examples.js';

declare module 'vitest' {
  /** Values the global setup hands to every test file. */
  export interface ProvidedContext {
    /** The scratch project with the packed packages installed (see consumer-project.ts). */
    consumerProject: ConsumerProject;
  }
}

/**
 * Packs and installs the publishable packages once per run, with what the README examples
 * import, for every test file that needs them.
 */
export default function setup(project: TestProject): void {
  project.provide('consumerProject', prepareConsumerProject(exampleDependencies(readmeExamples())));
}
