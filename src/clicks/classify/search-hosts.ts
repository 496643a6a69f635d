import type { HostGroup } from './host-group.ts'

/**
 * Search engines worldwide. Brands that run one engine under many country domains are "brand.*";
 * subdomains whose leading label says "search" (search.aol.com, suche.web.de, szukaj.wp.pl) need no row:
 * see SEARCH_LABEL in referrer-hosts.ts.
 */
// biome-ignore format: a data table, one engine a line, kept greppable and reviewable line by line
export const SEARCH_HOSTS: readonly HostGroup[] = [
  { app: 'google', hosts: ['google.*', 'googlesyndicatedsearch.com', 'webcache.googleusercontent.com'] },
  // MSN's portal search is Bing's.
  { app: 'bing', hosts: ['bing.com', 'bingj.com', 'cn.bing.com', 'msn.com'] },
  { app: 'yahoo', hosts: ['yahoo.*', 'search.yahoo.*', 'yahoo.net'] },
  { app: 'yandex', hosts: ['yandex.*', 'ya.ru'] },
  { app: 'baidu', hosts: ['baidu.*', 'gougou.com', 'hao123.com'] },
  { app: 'naver', hosts: ['naver.com', 'naver.me'] },
  { app: 'daum', hosts: ['daum.net'] },
  { app: 'seznam', hosts: ['seznam.cz'] },
  { app: 'ecosia', hosts: ['ecosia.org'] },
  { app: 'duckduckgo', hosts: ['duckduckgo.com', 'ddg.gg', 'duck.com'] },
  { app: 'qwant', hosts: ['qwant.com'] },
  { app: 'sogou', hosts: ['sogou.com', 'sougou.com', 'soso.com'] },
  { app: '360_search', hosts: ['so.com', '360.cn', 'haosou.com', 'so.360.cn'] },
  { app: 'shenma', hosts: ['sm.cn'] },
  { app: 'mail_ru', hosts: ['mail.ru', 'go.mail.ru'] },
  { app: 'rambler', hosts: ['rambler.ru'] },
  { app: 'coccoc', hosts: ['coccoc.com'] },
  { app: 'kagi', hosts: ['kagi.com'] },
  { app: 'brave_search', hosts: ['search.brave.com'] },
  { app: 'startpage', hosts: ['startpage.com', 'ixquick.*', 'startpage.nl'] },
  { app: 'mojeek', hosts: ['mojeek.com', 'mojeek.co.uk'] },
  { app: 'aol', hosts: ['aol.*', 'aolsearch.com', 'search.aol.*', 'recherche.aol.fr', 'suche.aol.de'] },
  { app: 'ask', hosts: [
    'ask.com', 'ask.co.uk', 'ask.reference.com', 'askkids.com', 'qbyrd.com', 'search-results.com',
  ] },
  { app: 'petal_search', hosts: ['petalsearch.com'] },
  { app: 'yep', hosts: ['yep.com'] },
  { app: 'swisscows', hosts: ['swisscows.com'] },
  { app: 'metager', hosts: ['metager.de', 'metager.org', 'metager2.de'] },
  { app: 'lilo', hosts: ['lilo.org'] },
  { app: 'presearch', hosts: ['presearch.com', 'presearch.org'] },
  { app: 'goo', hosts: ['search.goo.ne.jp'] },
  { app: 'biglobe', hosts: ['search.biglobe.ne.jp'] },
  { app: 'nate', hosts: ['search.nate.com'] },
  { app: 'najdi', hosts: ['najdi.si'] },
  { app: 'yam', hosts: ['search.yam.com'] },
  { app: 'zhongsou', hosts: ['zhongsou.com'] },
  { app: 'icq', hosts: ['icq.com'] },
  { app: 'amazon', hosts: ['amazon.com'] },
  // Portals whose front page is a search box; their mail and news live on listed subdomains.
  { app: 't_online', hosts: ['t-online.de'] },
  { app: 'virgilio', hosts: ['virgilio.it'] },
  { app: 'centrum', hosts: ['centrum.cz'] },
  { app: 'libero', hosts: ['arianna.libero.it', 'arianna.com'] },
  { app: 'comcast', hosts: ['comcast.net'] },
  { app: 'arcor', hosts: ['arcor.de'] },
  // Regional engines with no "search" label (each from the engine's own site): Korea, China, Iran, Turkey,
  // Nordics, Iceland, Poland, Slovenia; and independent and AI-first engines.
  { app: 'zum', hosts: ['zum.com'] },
  { app: 'toutiao_search', hosts: ['so.toutiao.com'] },
  { app: 'chinaso', hosts: ['chinaso.com'] },
  { app: 'youdao', hosts: ['youdao.com'] },
  { app: 'parsijoo', hosts: ['parsijoo.ir'] },
  { app: 'zarebin', hosts: ['zarebin.ir'] },
  { app: 'yaani', hosts: ['yaani.com.tr'] },
  { app: 'sesam', hosts: ['sesam.no'] },
  { app: null, hosts: [
    'leit.is', 'szukacz.pl', 'netsprint.pl', 'iask.sina.com.cn', 'jike.com', 'so.sina.cn', 'm.sm.cn',
    'search.sohu.com', 'sou.com', 'sogou.cn',
  ] },
  { app: 'you', hosts: ['you.com'] },
  { app: 'phind', hosts: ['phind.com'] },
  // Long-tail and toolbar engines from Matomo's searchengine-and-social-list (SearchEngines.yml) whose
  // names carry no search word.
  {
    app: null,
    hosts: [
      '123people.*', 'aguea.com', 'allesklar.*', 'findhurtig.dk', 'gfsoso.com', 'wow.com', 'dir.com', 'tattoodle.com',
      'funmoods.com', 'kensaq.com', 'lookany.com', 'voila.fr', 'peoplecheck.de', 'plusnetwork.com', 'scour.com',
      'setooz.com', 'sm.de', 'so-net.ne.jp', 'surfcanyon.com', 'talimba.com', 'toppreise.ch', 'wedoo.com', 'woopie.jp',
      'cercato.it', 'benefind.de', 'mirostart.com', 'kingsoft.jp', 'yellowmap.de', 'zoznam.sk', 'zxuso.com', 'kwzf.net',
      'speedbit.com', 'weborama.*', 'start.lenovo.com',
    ],
  },
  { app: null, hosts: [
    'andisearch.com', 'stract.com', 'mwmbl.org', 'marginalia.nu', 'oceanhero.today', 'ekoru.org', 'gibiru.com',
    'alohafind.com', 'searchencrypt.com', 'mojeek.*', 'yep.*', 'wiby.me',
  ] },
  // Job, directory and phone-book search.
  { app: null, hosts: [
    'indeed.com', 'monster.*', 'stepstone.*', 'kununu.com', 'dasoertliche.de', 'dastelefonbuch.de', 'goyellow.de',
    'gulesider.no', '1881.no', 'meinestadt.de', 'marktplaats.nl', '2gis.ru', 'dmoz.org',
  ] },
  {
    app: null,
    hosts: [
      // Metasearch and portal engines, most of them long-lived in referrer logs.
      'dogpile.com', 'webcrawler.com', 'metacrawler.com', 'infospace.com', 'excite.*', 'lycos.*',
      'altavista.*', 'alltheweb.com', 'hotbot.com', 'teoma.com', 'gigablast.com', 'blekko.com', 'cuil.com',
      'exalead.*', 'mamma.com', 'search.com', 'search.ch', 'searchalot.com', 'info.com', 'wolframalpha.com',
      'abacho.*', 'acoon.de', 'fireball.de', 'paperball.de', 'suchmaschine.com', 'ilse.nl', 'vinden.nl',
      'zoeken.nl', 'kvasir.no', 'eniro.se', 'neti.ee', 'latne.lv', 'holmes.ge', 'nigma.ru', 'poisk.ru',
      'sputnik.ru', 'meta.ua', 'all.by', 'aport.ru', '1.cz', 'zoohoo.cz', 'arama.com', 'lemoteur.fr',
      'lemoteur.orange.fr', 'aolrecherche.aol.fr', 'liveinternet.ru', 'jyxo.1188.cz', 'qualigo.*', 'zapmeta.*',
      'yasni.*', 'trovarapido.com', 'virgilio.it/ricerca', 'apollo7.de', 'walhello.*', 'mysearch.com',
      'searchy.co.uk', 'forestle.org', 'yippy.com', 'picsearch.com', 'websearch.com', 'sosodesktop.com',
      'abcsok.no', 'alexa.com', 'apollo.lv/portal', 'apontador.com.br', 'austronaut.at', 'astronaut.at',
      'blogdigger.com', 'blogpulse.com', 'web.canoe.ca', 'charter.net', 'crawler.com', 'darkoogle.com',
      'smart.delfi.lv', 'eurip.com', 'euroseek.com', 'everyclick.com', 'eo.st', 'finderoo.com', 'firstsfind.com',
      'flix.de', 'fresh-weather.com', 'gais.cs.ccu.edu.tw', 'geona.net', 'gnadenmeer.de', 'gomeo.com',
      'google.dodo.com.au', 'googleearth.*', 'find.tdc.dk', 'highbeam.com', 'hit-parade.com', 'hooseek.com',
      'icerocket.com', 'inbox.com/search', 'webfetch.com', 'facemoods.com', 'clusty.com', 'google.interia.pl',
      'iplay.com', 'jungle-spider.de', 'junglekey.*', 'kataweb.it', 'toile.com', 'looksmart.com', 'lo.st',
      'maailm.com', 'metacrawler.de', 'meta.rrzn.uni-hannover.de', 'mister-wong.*', 'monstercrawler.com',
      'mozbot.*', 'ariadna.elmundo.es', 'online.no', 'plazoo.com', 'pricerunner.co.uk', 'rpmfind.net',
      'sharelook.fr', 'skynet.be', 'startpagina.nl', 'startsiden.no', 'suchnase.de',
      'talktalk.co.uk', 'technorati.com', 'tixuma.de', 'toolbarhome.com', 'trouvez.com', 'twingly.com',
      'url.org', 'vindex.nl', 'volny.cz', 'web.nl', 'witch.de', 'yatedo.*', 'yougoo.fr',
    ],
  },
]
