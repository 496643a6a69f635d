-- Android's X-Requested-With names the app around a WebView; kept so reclassification sees what capture saw.
alter table clicks add column requested_with text;
