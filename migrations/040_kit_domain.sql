-- A share kit's links live on one short domain, chosen when the kit is made: '' is the default domain
-- (PUBLIC_URL's host), any other value a host in domains. Kits made before were all on the default one.
alter table contents add column domain text not null default '';
