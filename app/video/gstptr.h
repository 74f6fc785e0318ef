#pragma once
// RAII owners for every GStreamer / GLib reference the video layer holds (STYLE.md practice 9).
// Each alias is a std::unique_ptr with the matching unref function; adopt() takes a reference the
// caller already owns (a "transfer full" return value), refNew() adds one for a borrowed pointer.
//
//   ElementPtr pipeline = adopt(gst_parse_launch(desc, &rawError));   // transfer full
//   PadPtr pad = adopt(gst_element_get_static_pad(sink, "sink"));     // transfer full

#include <gst/gst.h>

#include <memory>

namespace opswall::video {

struct GstObjectUnref {
    void operator()(gpointer object) const { gst_object_unref(object); }
};
struct GstMiniObjectUnref {
    void operator()(gpointer object) const { gst_mini_object_unref(GST_MINI_OBJECT_CAST(object)); }
};
struct GErrorFree {
    void operator()(GError *error) const { g_error_free(error); }
};
struct GFree {
    void operator()(gpointer memory) const { g_free(memory); }
};
struct GObjectUnref {
    void operator()(gpointer object) const { g_object_unref(object); }
};

using ElementPtr = std::unique_ptr<GstElement, GstObjectUnref>;
using PadPtr = std::unique_ptr<GstPad, GstObjectUnref>;
using BusPtr = std::unique_ptr<GstBus, GstObjectUnref>;
using FactoryPtr = std::unique_ptr<GstElementFactory, GstObjectUnref>;
using MessagePtr = std::unique_ptr<GstMessage, GstMiniObjectUnref>;
using CapsPtr = std::unique_ptr<GstCaps, GstMiniObjectUnref>;
using SamplePtr = std::unique_ptr<GstSample, GstMiniObjectUnref>;
using BufferPtr = std::unique_ptr<GstBuffer, GstMiniObjectUnref>;
using QueryPtr = std::unique_ptr<GstQuery, GstMiniObjectUnref>;
using EventPtr = std::unique_ptr<GstEvent, GstMiniObjectUnref>;
using ErrorPtr = std::unique_ptr<GError, GErrorFree>;
using GCharPtr = std::unique_ptr<gchar, GFree>;

template<class T>
auto adopt(T *owned) {
    if constexpr (std::is_same_v<T, GstElement>)
        return ElementPtr(owned);
    else if constexpr (std::is_same_v<T, GstPad>)
        return PadPtr(owned);
    else if constexpr (std::is_same_v<T, GstBus>)
        return BusPtr(owned);
    else if constexpr (std::is_same_v<T, GstElementFactory>)
        return FactoryPtr(owned);
    else if constexpr (std::is_same_v<T, GstMessage>)
        return MessagePtr(owned);
    else if constexpr (std::is_same_v<T, GstCaps>)
        return CapsPtr(owned);
    else if constexpr (std::is_same_v<T, GstSample>)
        return SamplePtr(owned);
    else if constexpr (std::is_same_v<T, GstBuffer>)
        return BufferPtr(owned);
    else if constexpr (std::is_same_v<T, GstQuery>)
        return QueryPtr(owned);
    else if constexpr (std::is_same_v<T, GError>)
        return ErrorPtr(owned);
    else if constexpr (std::is_same_v<T, gchar>)
        return GCharPtr(owned);
    else
        static_assert(sizeof(T) == 0, "no RAII owner for this type");
}

// A new reference to an object the caller only borrows (transfer none).
inline ElementPtr refNew(GstElement *element) {
    return ElementPtr(element ? GST_ELEMENT(gst_object_ref(element)) : nullptr);
}

} // namespace opswall::video
