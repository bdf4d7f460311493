/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    serverActions: {
      // The tracker accepts .torrent files up to 10 MiB; leave room for the multipart overhead.
      bodySizeLimit: '11mb',
    },
  },
};

export default nextConfig;
