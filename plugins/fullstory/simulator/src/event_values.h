// event_values.h: the value pools generated events draw from.
//
// Kept apart from the generator so that file reads as "which field, when" and this one as
// "which hard values". Pools are indexed modulo their size.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

namespace fssim::event_values {

inline constexpr std::int64_t kMillisPerDay = 86'400'000;
inline constexpr std::int64_t kSignupEpochMillis = 1'546'300'800'000;  // 2019-01-01

// Entry n of `pool`, modulo its size.
template <typename Pool>
auto pick(const Pool& pool, std::uint64_t n) {
  return pool[n % pool.size()];
}

// EventTargetText in rotation: every string a sink must round-trip byte for byte.
std::span<const std::string_view> target_texts();

// Weighted: clicks are common, exceptions rare, as in real traffic.
inline constexpr std::array<std::string_view, 22> kEventTypes = {
    "click",  "click",   "click",     "click",           "click",     "navigate", "navigate", "change",
    "load",   "load",    "custom",    "custom",          "pageview",  "pageview", "copy",     "paste",
    "thrash", "abandon", "highlight", "console_message", "exception", "request"};

inline constexpr std::array<std::string_view, 5> kCustomEventNames = {
    "Order Completed", "Signed Up", "Añadir al carrito", "Checkout \"Express\"", "plan.upgrade"};

inline constexpr std::array<std::string_view, 5> kSelectorTokens = {
    "body|div.app|button#buy", "html|body|form.signup|input[name=\"email\"]", "a.nav-link:nth-child(2)",
    "div#root > main > section.hero", "svg|path"};

inline constexpr std::array<std::string_view, 8> kDisplayNames = {
    "José Álvarez",          "李小龙",         "Zoë O'Brien",  "Ελένη Παπαδοπούλου",
    "Pat \"The Cat\" Smith", "Müller, Jürgen", "Анна Иванова", "محمد علي"};

inline constexpr std::array<std::string_view, 5> kUrlPaths = {
    "/products/", "/checkout?step=", "/search?q=red%20shoes&page=", "/blog/2023/11/", "/app#/dashboard/"};

inline constexpr std::array<std::string_view, 3> kRefererUrls = {
    "https://www.google.com/", "https://news.ycombinator.com/item?id=38000000", "android-app://com.google.android.gm/"};

inline constexpr std::array<std::string_view, 3> kLatLongs = {"39.0481,-77.4728", "48.8566,2.3522",
                                                              "-33.8688,151.2093"};

// One row per client: agent string and how FullStory classifies it.
struct Client {
  std::string_view agent;
  std::string_view browser;
  std::string_view device;
  std::string_view operating_system;
};
inline constexpr std::array<Client, 4> kClients = {{
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/119.0.0.0 Safari/537.36",
     "Chrome", "Desktop", "Windows"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
     "Mobile Safari", "Mobile", "iOS"},
    {"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0", "Firefox", "Desktop", "Linux"},
    {"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/119.0.6045.163 Mobile Safari/537.36",
     "Chrome Mobile", "Mobile", "Android"},
}};

inline constexpr std::array<std::string_view, 4> kPlans = {"free", "pro", "enterprise", "Pro \"Plus\""};
inline constexpr std::array<std::string_view, 5> kTags = {"beta", "vip", "église", "東京", "a,b"};
inline constexpr std::array<std::string_view, 4> kPageSections = {"checkout", "pricing", "docs", "home"};
inline constexpr std::array<std::string_view, 3> kEventSubTypes = {"rage_click", "dead_click", "error_click"};

// Segment Export only.
inline constexpr std::array<std::string_view, 5> kPageNames = {"Home", "Product Detail", "Checkout", "Suche", ""};
inline constexpr std::array<std::string_view, 4> kBrowserVersions = {"119.0.0.0", "17.1", "120.0", "119.0.6045.163"};
inline constexpr std::array<std::pair<std::int64_t, std::int64_t>, 4> kScreenSizes = {
    {{1920, 1080}, {390, 844}, {2560, 1440}, {412, 915}}};
inline constexpr std::array<std::string_view, 3> kRequestUrls = {
    "https://api.example.com/v1/cart", "https://api.example.com/v1/search?q=%C3%A9t%C3%A9", "/graphql"};
inline constexpr std::array<std::string_view, 3> kRequestMethods = {"GET", "POST", "PUT"};
inline constexpr std::array<std::int64_t, 5> kRequestStatuses = {200, 200, 201, 404, 503};
inline constexpr std::array<std::string_view, 3> kAppViewNames = {"MainActivity", "CartViewController", "Ajustes"};

struct MobileApp {
  std::string_view name, package_name, device_model, device_vendor, version, os_version;
};
inline constexpr std::array<MobileApp, 2> kMobileApps = {{
    {"Example Shop", "com.example.shop", "Pixel 8", "Google", "4.2.0", "14"},
    {"Example Shop", "com.example.shop.ios", "iPhone15,2", "Apple", "4.2.1 (312)", "17.1"},
}};

}  // namespace fssim::event_values
