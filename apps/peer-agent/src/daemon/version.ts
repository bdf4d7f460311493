/** Reported by GET /api/v1/health and written into created torrents' "created by". */
export const AGENT_VERSION = '0.1.0';
