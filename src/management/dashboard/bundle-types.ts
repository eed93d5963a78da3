/** One file of the dashboard bundle: its bytes as written and precompressed, base64. */
export interface DashboardFile {
  /** `content-type` to serve it with. */
  type: string;
  raw: string;
  gzip: string;
  br: string;
  gzipBytes: number;
}

/** The built dashboard: `index.html` and the hashed assets it names, by file name. */
export interface DashboardBundle {
  index: DashboardFile;
  assets: Record<string, DashboardFile>;
}
