export const TYPES_FILE: URL;
export function render(spec: unknown): Promise<string>;
