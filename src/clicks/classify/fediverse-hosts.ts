import type { HostGroup } from './host-group.ts'

/**
 * The fediverse has thousands of instances and no shared host pattern, so three signals are read:
 *  1. the largest instances by active users, by name (below; picked from joinmastodon.org/servers and
 *     fedidb.org's instance ranking, which list instances with their software and user counts);
 *  2. a host label that names the software (mastodon.example.org, misskey.example.jp, lemmy.example.net);
 *  3. a path only fediverse software uses for a post (FEDIVERSE_POST_PATH).
 */
export const FEDIVERSE_HOSTS: readonly HostGroup[] = [
  {
    app: 'mastodon',
    hosts: [
      // mastodon.social, .online, .world … are "mastodon.*" in SOCIAL_HOSTS.
      'mastodon.gamedev.place',
      'mastodon.sdf.org',
      'mastodonapp.uk',
      'pawoo.net',
      'troet.cafe',
      'chaos.social',
      'techhub.social',
      'universeodon.com',
      'aus.social',
      'mindly.social',
      'social.vivaldi.net',
      'toot.community',
      'ioc.exchange',
      'sfba.social',
      'kolektiva.social',
      'mathstodon.xyz',
      'scholar.social',
      'masto.ai',
      'tech.lgbt',
      'social.coop',
      'octodon.social',
      'qoto.org',
      'hessen.social',
      'det.social',
      'norden.social',
      'home.social',
      'toot.io',
      'c.im',
      'piaille.fr',
      'framapiaf.org',
      'mamot.fr',
      'social.tchncs.de',
      'nrw.social',
      'muenchen.social',
      'sueden.social',
      'todon.eu',
      'todon.nl',
      'climatejustice.social',
      'newsie.social',
      'journa.host',
      'botsin.space',
      'social.lol',
      'urbanists.social',
      'indieweb.social',
      'ruby.social',
      'phpc.social',
      'vmst.io',
      'fedi.at',
      'wandering.shop',
    ],
  },
  {
    app: 'misskey',
    hosts: [
      'misskey.*',
      'misskey.io',
      'misskey.design',
      'nijimiss.moe',
      'sushi.ski',
      'mi.yumechi.jp',
      'submarin.online',
      'oekakiskey.com',
    ],
  },
  { app: 'pixelfed', hosts: ['pixelfed.*', 'pixey.org', 'pixelfed.social', 'pixelfed.de'] },
  {
    app: 'lemmy',
    hosts: [
      'lemmy.world',
      'lemmy.ml',
      'sh.itjust.works',
      'beehaw.org',
      'lemm.ee',
      'programming.dev',
      'feddit.de',
      'feddit.org',
      'feddit.nl',
      'lemmy.zip',
      'sopuli.xyz',
      'lemmy.dbzer0.com',
      'reddthat.com',
      'discuss.tchncs.de',
    ],
  },
  { app: 'kbin', hosts: ['kbin.social', 'kbin.earth', 'kbin.run', 'fedia.io', 'mbin.social'] },
  { app: 'piefed', hosts: ['piefed.social'] },
  { app: 'peertube', hosts: ['peertube.*', 'framatube.org', 'tilvids.com'] },
  { app: 'friendica', hosts: ['friendica.*'] },
  { app: 'pleroma', hosts: ['pleroma.*', 'akkoma.*', 'poa.st', 'shitposter.world'] },
  { app: 'diaspora', hosts: ['diasp.org', 'joindiaspora.com', 'diaspora-fr.org', 'framasphere.org'] },
]

/** Host labels that name fediverse software, with the app they mean; "mstdn" and "toot" are Mastodon's. */
export const FEDIVERSE_LABELS: ReadonlyMap<string, string | null> = new Map<string, string | null>([
  ['mastodon', 'mastodon'],
  ['mstdn', 'mastodon'],
  ['masto', 'mastodon'],
  ['toot', 'mastodon'],
  ['glitch', 'mastodon'],
  ['misskey', 'misskey'],
  ['sharkey', 'misskey'],
  ['calckey', 'misskey'],
  ['firefish', 'misskey'],
  ['iceshrimp', 'misskey'],
  ['pixelfed', 'pixelfed'],
  ['lemmy', 'lemmy'],
  ['kbin', 'kbin'],
  ['mbin', 'kbin'],
  ['piefed', 'piefed'],
  ['peertube', 'peertube'],
  ['friendica', 'friendica'],
  ['pleroma', 'pleroma'],
  ['akkoma', 'pleroma'],
  ['gotosocial', 'mastodon'],
  ['hubzilla', 'hubzilla'],
  ['diaspora', 'diaspora'],
  ['fediverse', null],
  ['fedi', null],
])

/**
 * A post's path on fediverse software: Mastodon "/@user/113456789012345678" and "/users/user/statuses/1…",
 * Misskey "/notes/9xyz0abcde", Pleroma/Akkoma "/notice/AbC…" and "/objects/<uuid>", Pixelfed "/p/user/1…",
 * PeerTube "/videos/watch/<uuid>". (Lemmy's "/post/123" is every forum's, so Lemmy counts by host.) Medium's
 * "/@user/a-title-1a2b3c" has a slug with dashes, which the Mastodon shape does not allow.
 */
export const FEDIVERSE_POST_PATH =
  /^\/(?:@[\w.-]+(?:@[\w.-]+)?\/(?:\d{6,}|[0-9a-z]{10})(?:\/|$)|notes\/[0-9a-z]{10,}(?:\/|$)|notice\/[A-Za-z0-9]{10,}(?:\/|$)|objects\/[0-9a-f]{8}-[0-9a-f-]{27}(?:\/|$)|users\/[\w.-]+\/statuses\/\d+|p\/[\w.-]+\/\d{6,}(?:\/|$)|videos\/watch\/[0-9a-f-]{36}|web\/statuses\/\d+)/
