// A contact center definition file (the XML an admin imports in Setup > Partner Telephony
// Contact Centers, the same form as a Call Center's) as the flat `/section/item` map Salesforce
// hands the connector's init.

export function readContactCenter(xml) {
  const settings = {};
  for (const [, section, body] of xml.matchAll(/<section\b[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/section>/g)) {
    for (const [, item, value] of body.matchAll(/<item\b[^>]*\bname="([^"]+)"[^>]*>([^<]*)<\/item>/g)) {
      settings[`/${section}/${item}`] = value.trim().replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
    }
  }
  return settings;
}
