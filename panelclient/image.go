package panelclient

import (
	"context"
	"io"
)

// Branding image slots (dealer/settings/image). The markdown names logo,
// favicon, login_wallpaper, desktop_wallpaper and document_logo; the
// OpenAPI file adds monitoring_logo and app_logo. app_logo needs the
// dealer feature branding_mobile, every other slot branding_web (code 236
// without it).
const (
	ImageLogo             = "logo"
	ImageFavicon          = "favicon"
	ImageLoginWallpaper   = "login_wallpaper"
	ImageDesktopWallpaper = "desktop_wallpaper"
	ImageMonitoringLogo   = "monitoring_logo"
	ImageDocumentLogo     = "document_logo"
	ImageAppLogo          = "app_logo"
)

// ImageTypes lists the branding image slots in the order the official
// console shows them.
var ImageTypes = []string{
	ImageLogo, ImageMonitoringLogo, ImageDocumentLogo, ImageLoginWallpaper,
	ImageDesktopWallpaper, ImageFavicon, ImageAppLogo,
}

// UploadBrandingImage uploads a branding image into one slot
// (dealer/settings/image/upload; service_settings: update). It is the one
// multipart call of the Panel API: `type` travels as a form part, the
// image as the part "file". The part's MIME type is taken from the file
// name's extension (.png, .jpg/.jpeg, .gif, .webp, .ico), so name the file
// after what it is: the Panel refuses other types (code 234). No file is
// code 233; branding off for the dealer's plan, code 236. It is never
// resent.
func (c *Client) UploadBrandingImage(ctx context.Context, hash, imageType, fileName string, r io.Reader) error {
	return c.callMultipart(ctx, hash, "dealer/settings/image/upload", map[string]string{"type": imageType}, "file", fileName, r, nil)
}

// DeleteBrandingImage empties a branding image slot; the interface falls
// back to the platform default (dealer/settings/image/delete;
// service_settings: update).
func (c *Client) DeleteBrandingImage(ctx context.Context, hash, imageType string) error {
	params := struct {
		Type string `json:"type"`
	}{imageType}
	return c.call(ctx, mutation, hash, "dealer/settings/image/delete", params, nil)
}
